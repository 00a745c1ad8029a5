"""The Payment Service's probe for the Health Monitor: each enabled provider has its settings (named, never shown)."""

from __future__ import annotations

from typing import Any

from azora.health.public import ProbeResult
from azora.payments.probes import providers_configured


def test_the_sandbox_needs_nothing() -> None:
    assert providers_configured() is None


def test_an_enabled_provider_without_its_secrets_fails_naming_the_settings(settings: Any) -> None:
    settings.AZORA_PAYMENTS_ENABLED_PROVIDERS = ["sandbox", "stripe", "paystack"]
    settings.AZORA_STRIPE_SECRET_KEY = "sk_test_not_shown"
    settings.AZORA_STRIPE_WEBHOOK_SECRET = ""
    settings.AZORA_PAYSTACK_SECRET_KEY = ""

    result = providers_configured()

    assert result == ProbeResult.failed(
        "stripe: AZORA_STRIPE_WEBHOOK_SECRET not set; paystack: AZORA_PAYSTACK_SECRET_KEY not set"
    )
    assert "sk_test" not in result.error


def test_a_default_provider_that_is_not_enabled_fails(settings: Any) -> None:
    settings.AZORA_PAYMENTS_DEFAULT_PROVIDER = "stripe"

    assert providers_configured() == ProbeResult.failed("the default provider stripe is not enabled")


def test_configured_providers_pass(settings: Any) -> None:
    settings.AZORA_PAYMENTS_ENABLED_PROVIDERS = ["sandbox", "paystack"]
    settings.AZORA_PAYSTACK_SECRET_KEY = "sk_live_x"

    assert providers_configured() is None
