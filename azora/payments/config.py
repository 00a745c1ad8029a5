"""The Payment Service's settings as one narrow, typed value: providers, secrets, fees and the refund window."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final

from django.conf import settings

from azora.shared.money import Money

PROVIDERS: Final[tuple[str, ...]] = ("sandbox", "stripe", "paystack")


@dataclass(frozen=True, slots=True)
class FeeRule:
    """A provider's fee: a percentage in basis points (290 = 2.90%) plus a fixed amount in minor units."""

    basis_points: int
    fixed_minor: int

    def fee_for(self, amount: Money) -> Money:
        """Rounded half-up to the minor unit and never more than the amount itself."""
        percent = (Decimal(amount.minor) * self.basis_points / Decimal(10_000)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return Money(min(int(percent) + self.fixed_minor, amount.minor), amount.currency)


@dataclass(frozen=True, slots=True)
class PaymentsConfig:
    default_provider: str
    enabled_providers: tuple[str, ...]
    fees: MappingProxyType[str, FeeRule]
    refund_window_days: int
    webhook_tolerance_seconds: int
    sandbox_webhook_secret: str
    stripe_secret_key: str
    stripe_webhook_secret: str
    stripe_api_base: str
    paystack_secret_key: str
    paystack_api_base: str
    provider_timeout_seconds: float
    return_url_template: str  # "{intent_id}" is replaced: where a provider's challenge page sends the customer


def payments_config() -> PaymentsConfig:
    """Read from settings on every call, so tests may override settings per test."""
    fees = {
        name: FeeRule(basis_points=int(rule[0]), fixed_minor=int(rule[1]))
        for name, rule in settings.AZORA_PAYMENTS_FEES.items()
    }
    return PaymentsConfig(
        default_provider=settings.AZORA_PAYMENTS_DEFAULT_PROVIDER,
        enabled_providers=tuple(settings.AZORA_PAYMENTS_ENABLED_PROVIDERS),
        fees=MappingProxyType(fees),
        refund_window_days=settings.AZORA_PAYMENTS_REFUND_WINDOW_DAYS,
        webhook_tolerance_seconds=settings.AZORA_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
        sandbox_webhook_secret=settings.AZORA_PAYMENTS_SANDBOX_WEBHOOK_SECRET or _derived_sandbox_secret(),
        stripe_secret_key=settings.AZORA_STRIPE_SECRET_KEY,
        stripe_webhook_secret=settings.AZORA_STRIPE_WEBHOOK_SECRET,
        stripe_api_base=settings.AZORA_STRIPE_API_BASE,
        paystack_secret_key=settings.AZORA_PAYSTACK_SECRET_KEY,
        paystack_api_base=settings.AZORA_PAYSTACK_API_BASE,
        provider_timeout_seconds=settings.AZORA_PAYMENTS_PROVIDER_TIMEOUT_SECONDS,
        return_url_template=settings.AZORA_PAYMENTS_RETURN_URL,
    )


def _derived_sandbox_secret() -> str:
    # Embedded default: a stable secret derived from SECRET_KEY, so nothing has to be configured and nothing is stored.
    return hmac.new(settings.SECRET_KEY.encode(), b"azora.payments.sandbox-webhooks", hashlib.sha256).hexdigest()
