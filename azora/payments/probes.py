"""The Payment Service's probes for the Health Monitor: each enabled provider has the settings it needs.

No call goes to a provider on every round (that would cost money and rate limits); a provider's own failures show
in its webhooks and payment outcomes.
"""

from __future__ import annotations

from azora.health.public import ProbeResult, register_probe
from azora.payments.config import PROVIDERS, PaymentsConfig, payments_config

# The settings each provider cannot work without (the sandbox derives its webhook secret when none is set).
REQUIRED_SETTINGS = {
    "sandbox": (),
    "stripe": (
        ("AZORA_STRIPE_SECRET_KEY", "stripe_secret_key"),
        ("AZORA_STRIPE_WEBHOOK_SECRET", "stripe_webhook_secret"),
    ),
    "paystack": (("AZORA_PAYSTACK_SECRET_KEY", "paystack_secret_key"),),
}


def configuration_problems(config: PaymentsConfig) -> list[str]:
    """What is missing, by setting name (never a value)."""
    problems = []
    if not config.enabled_providers:
        problems.append("no payment provider is enabled")
    if config.default_provider not in config.enabled_providers:
        problems.append(f"the default provider {config.default_provider} is not enabled")
    for provider in config.enabled_providers:
        if provider not in PROVIDERS:
            problems.append(f"unknown provider {provider}")
            continue
        missing = [setting for setting, field in REQUIRED_SETTINGS[provider] if not getattr(config, field)]
        if missing:
            problems.append(f"{provider}: {', '.join(missing)} not set")
    return problems


def providers_configured() -> ProbeResult | None:
    problems = configuration_problems(payments_config())
    return ProbeResult.failed("; ".join(problems)) if problems else None


register_probe("payment_providers", providers_configured, service="payments")
