"""Receipts: numbering, what a receipt holds, and who may see it."""

from __future__ import annotations

import pytest
from django.db import transaction

from azora.accounts.models import User
from azora.payments import public, services
from azora.payments.errors import ReceiptNotFound
from azora.payments.models import InvoiceCounter
from azora.payments.tests.conftest import SUCCESS_CARD
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def pay(customer: User, minor: int = 4999, currency: str = "USD") -> public.PaymentIntentView:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(minor, currency), purpose="course_purchase", description="Python 101"
    )
    return services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)


def test_numbers_are_sequential_per_year() -> None:
    with transaction.atomic():
        assert services.allocate_invoice_number(year=2026) == (1, "INV-2026-000001")
        assert services.allocate_invoice_number(year=2026) == (2, "INV-2026-000002")
        assert services.allocate_invoice_number(year=2027) == (1, "INV-2027-000001")


def test_a_rolled_back_success_leaves_no_gap() -> None:
    class Boom(Exception):
        pass

    def allocate_then_fail() -> None:
        with transaction.atomic():
            services.allocate_invoice_number(year=2026)
            raise Boom

    with pytest.raises(Boom):
        allocate_then_fail()
    with transaction.atomic():
        assert services.allocate_invoice_number(year=2026) == (1, "INV-2026-000001")
    assert InvoiceCounter.objects.get(year=2026).last_number == 1


def test_the_receipt_holds_lines_totals_and_the_card(customer: User) -> None:
    paid = pay(customer)
    assert paid.receipt_id is not None
    receipt = public.receipt_get(receipt_id=paid.receipt_id, viewer_id=customer.id)
    assert receipt.number.startswith("INV-")
    assert receipt.number.endswith("-000001")
    assert [(line.description, line.quantity, line.amount) for line in receipt.lines] == [
        ("Python 101", 1, Money(4999, "USD"))
    ]
    assert (receipt.subtotal, receipt.total) == (Money(4999, "USD"), Money(4999, "USD"))
    assert (receipt.provider, receipt.payment_method_brand, receipt.payment_method_last4) == ("sandbox", "visa", "4242")
    assert (receipt.customer_name, receipt.customer_email) == ("Thandi Nkosi", "thandi@example.test")
    assert receipt.amount_refunded == Money(0, "USD")
    assert public.receipt_for_intent(intent_id=paid.id, viewer_id=customer.id) == receipt


def test_another_user_cannot_see_the_receipt_but_a_finance_admin_can(
    customer: User, other_user: User, finance_admin: User
) -> None:
    paid = pay(customer)
    assert paid.receipt_id is not None
    with pytest.raises(ReceiptNotFound):
        public.receipt_get(receipt_id=paid.receipt_id, viewer_id=other_user.id)
    assert public.receipt_for_intent(intent_id=paid.id, viewer_id=other_user.id) is None
    assert public.receipt_get(receipt_id=paid.receipt_id, viewer_id=finance_admin.id).id == paid.receipt_id


def test_the_customers_intents_page_newest_first(customer: User, other_user: User) -> None:
    first, second = pay(customer, 100), pay(customer, 200)
    pay(other_user, 300)
    page = public.payment_intents_of(customer_id=customer.id, limit=1)
    assert [intent.id for intent in page.items] == [second.id]
    assert page.next_cursor is not None
    rest = public.payment_intents_of(customer_id=customer.id, cursor=page.next_cursor, limit=10)
    assert [intent.id for intent in rest.items] == [first.id]
    assert rest.items[0].receipt_id == first.receipt_id
