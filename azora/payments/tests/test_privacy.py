"""The Payment Service's data protection: payments and receipts exported; saved cards deleted and the name and
email on receipts cleared by a deletion, amounts kept."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.payments.models import PaymentIntent, Receipt, SavedPaymentMethod
from azora.payments.privacy import anonymise_payments_data, export_payments_data

pytestmark = pytest.mark.django_db


def _paid(customer_id: uuid.UUID, number: str) -> Receipt:
    intent = PaymentIntent.objects.create(
        customer_id=customer_id, amount_minor=150_00, currency="ZAR", status="succeeded", purpose="course_purchase",
        description="Python basics", provider="sandbox", credit_account_id=uuid.uuid4(),
    )  # fmt: skip
    return Receipt.objects.create(
        intent=intent, number=number, year=2026, sequence=int(number[-1]), customer_id=customer_id,
        customer_name="Thandi Nkosi", customer_email="thandi@example.test", issued_at=timezone.now(),
        currency="ZAR", lines=[{"description": "Python basics", "amount_minor": 150_00}], subtotal_minor=150_00,
        total_minor=150_00, provider="sandbox",
    )  # fmt: skip


def _card(customer_id: uuid.UUID) -> SavedPaymentMethod:
    return SavedPaymentMethod.objects.create(
        customer_id=customer_id, provider="sandbox", provider_token=f"tok_secret_{customer_id.hex}", brand="visa",
        last4="4242", exp_month=12, exp_year=2030,
    )  # fmt: skip


def test_the_export_holds_payments_receipts_and_cards_without_the_token() -> None:
    person = UserFactory()
    _paid(person.id, "AZ-2026-1")
    _card(person.id)

    data = export_payments_data(person.id)

    assert [(row["description"], row["amount_minor"]) for row in data["payments"]] == [("Python basics", 150_00)]
    assert [row["customer_name"] for row in data["receipts"]] == ["Thandi Nkosi"]
    assert [(row["brand"], row["last4"]) for row in data["saved_cards"]] == [("visa", "4242")]
    assert "tok_secret" not in str(data)


def test_a_deletion_removes_cards_and_the_name_on_receipts_of_that_person_only() -> None:
    person, other = UserFactory(), UserFactory()
    receipt = _paid(person.id, "AZ-2026-1")
    other_receipt = _paid(other.id, "AZ-2026-2")
    _card(person.id)
    _card(other.id)

    anonymise_payments_data(person.id)

    receipt.refresh_from_db()
    other_receipt.refresh_from_db()
    assert (receipt.customer_name, receipt.customer_email, receipt.total_minor) == ("", "", 150_00)
    assert other_receipt.customer_name == "Thandi Nkosi"
    assert not SavedPaymentMethod.objects.filter(customer_id=person.id).exists()
    assert SavedPaymentMethod.objects.filter(customer_id=other.id).count() == 1
    assert PaymentIntent.objects.filter(customer_id=person.id).count() == 1
