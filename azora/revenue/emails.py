"""The subscription emails of dunning: a renewal payment failed (and when it is retried), and the plan ended.

Rendered from templates (HTML and plain text) in the customer's language and sent through the default mailer, as
the Payment Service's receipt email is.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from azora.accounts.public import user_profile
from azora.revenue.models import Subscription, SubscriptionCharge
from azora.shared.money import Money

# Where the customer updates their payment method (the Pay UI's subscription page).
SUBSCRIPTION_PATH = "/pay/subscription/"
TEMPLATES = "revenue/emails"


def money_text(money: Money) -> str:
    return f"{money.to_decimal():,.{money.exponent}f} {money.currency}"


def subscription_email_context(
    *, subscription: Subscription, charge: SubscriptionCharge | None, name: str
) -> dict[str, object]:
    from azora.revenue.services.subscriptions import DUNNING_RETRY_DAYS

    amount = Money(charge.amount_minor, charge.currency) if charge is not None else None
    return {
        "name": name,
        "plan_name": subscription.plan.name,
        "amount": money_text(amount) if amount is not None else "",
        "failure_code": charge.failure_code if charge is not None else "",
        "attempt": (charge.attempt if charge is not None else 0),
        "attempts": len(DUNNING_RETRY_DAYS) + 1,
        "next_retry_at": subscription.next_retry_at,
        "ended_at": subscription.ended_at,
        "manage_url": settings.AZORA_SITE_URL.rstrip("/") + SUBSCRIPTION_PATH,
    }


def send_subscription_email(
    *, subscription: Subscription, kind: Literal["payment_failed", "ended"], charge: SubscriptionCharge | None
) -> None:
    profile = user_profile(user_id=subscription.user_id)
    context = subscription_email_context(
        subscription=subscription, charge=charge, name=profile.display_name or profile.email
    )
    with translation.override(profile.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{TEMPLATES}/{kind}_subject.txt", context).strip()
        text = render_to_string(f"{TEMPLATES}/{kind}.txt", context)
        html = render_to_string(f"{TEMPLATES}/{kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[profile.email])
    message.attach_alternative(html, "text/html")
    message.send()
