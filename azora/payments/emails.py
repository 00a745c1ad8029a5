"""The receipt email: an HTML and a plain-text body rendered from templates, sent through the default mailer."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from azora.payments.models import Receipt
from azora.payments.selectors import receipt_view
from azora.shared.money import Money


def money_text(money: Money) -> str:
    return f"{money.to_decimal():,.{money.exponent}f} {money.currency}"


def receipt_context(receipt: Receipt) -> dict[str, object]:
    view = receipt_view(receipt)
    return {
        "receipt": view,
        "lines": [
            {"description": line.description, "quantity": line.quantity, "amount": money_text(line.amount)}
            for line in view.lines
        ],
        "subtotal": money_text(view.subtotal),
        "total": money_text(view.total),
        "site_url": settings.AZORA_SITE_URL.rstrip("/"),
        "receipt_path": f"/pay/receipts/{view.id}/",
    }


def send_receipt_email(receipt: Receipt) -> None:
    context = receipt_context(receipt)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("payments/email/receipt_subject.txt", context).strip()
        text = render_to_string("payments/email/receipt.txt", context)
        html = render_to_string("payments/email/receipt.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[receipt.customer_email])
    message.attach_alternative(html, "text/html")
    message.send()
