"""Payment providers behind one Protocol (base.PaymentProvider): sandbox (embedded default), stripe and paystack."""

from __future__ import annotations

from azora.payments.adapters.base import (
    CreateRequest,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    ProviderIntent,
    ProviderRefund,
    ProviderSavedMethod,
    SaveRequest,
    SignatureError,
)
from azora.payments.adapters.retry import RetryPolicy
from azora.payments.config import PaymentsConfig

__all__ = [
    "CreateRequest",
    "PaymentProvider",
    "ProviderError",
    "ProviderEvent",
    "ProviderIntent",
    "ProviderRefund",
    "ProviderSavedMethod",
    "RetryPolicy",
    "SaveRequest",
    "SignatureError",
    "build_provider",
]


def build_provider(name: str, *, config: PaymentsConfig, retry: RetryPolicy | None = None) -> PaymentProvider:
    """The adapter called `name`, configured from `config`; KeyError for a name that is not a provider."""
    retry = retry or RetryPolicy()
    if name == "sandbox":
        from azora.payments.adapters.sandbox import SandboxProvider

        return SandboxProvider(webhook_secret=config.sandbox_webhook_secret, tolerance=config.webhook_tolerance_seconds)
    if name == "stripe":
        from azora.payments.adapters.stripe import StripeProvider

        return StripeProvider(
            secret_key=config.stripe_secret_key,
            webhook_secret=config.stripe_webhook_secret,
            api_base=config.stripe_api_base,
            timeout=config.provider_timeout_seconds,
            tolerance=config.webhook_tolerance_seconds,
            retry=retry,
        )
    if name == "paystack":
        from azora.payments.adapters.paystack import PaystackProvider

        return PaystackProvider(
            secret_key=config.paystack_secret_key,
            api_base=config.paystack_api_base,
            timeout=config.provider_timeout_seconds,
            retry=retry,
        )
    raise KeyError(name)
