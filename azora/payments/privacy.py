"""The Payment Service's part of data protection: the person's payments, refunds, receipts and saved cards for
their export; what a deletion clears.

Payments and receipts are financial records and stay, with their amounts; the name and email printed on a
receipt are cleared. Saved cards (the provider's tokens) are deleted: nobody may
charge them again.
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.payments.models import PaymentIntent, Receipt, Refund, SavedPaymentMethod
from azora.security.public import export_rows, register_anonymiser, register_exporter


def export_payments_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "payments": export_rows(
            PaymentIntent.objects.filter(customer_id=user_id).order_by("-created_at"),
            [
                "id",
                "amount_minor",
                "currency",
                "status",
                "purpose",
                "description",
                "provider",
                "payment_method_brand",
                "payment_method_last4",
                "amount_refunded_minor",
                "created_at",
                "succeeded_at",
            ],
        ),
        "refunds": export_rows(
            Refund.objects.filter(intent__customer_id=user_id).order_by("-created_at"),
            ["id", "intent_id", "amount_minor", "currency", "reason", "status", "created_at", "succeeded_at"],
        ),
        "receipts": export_rows(
            Receipt.objects.filter(customer_id=user_id).order_by("-issued_at"),
            ["number", "issued_at", "customer_name", "customer_email", "currency", "lines", "total_minor"],
        ),
        "saved_cards": export_rows(
            SavedPaymentMethod.objects.filter(customer_id=user_id).order_by("-created_at"),
            ["provider", "brand", "last4", "exp_month", "exp_year", "created_at"],
        ),
    }


def anonymise_payments_data(user_id: uuid.UUID) -> None:
    SavedPaymentMethod.objects.filter(customer_id=user_id).delete()
    Receipt.objects.filter(customer_id=user_id).update(customer_name="", customer_email="")


register_exporter("payments", export_payments_data)
register_anonymiser("payments", anonymise_payments_data)
