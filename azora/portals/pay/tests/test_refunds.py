"""Refunds for finance admins: full and partial, always with a reason; above what remains is refused and
changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.payments.public as payments
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.portals.pay.tests.conftest import TopUp, available, money_rows
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(person: User) -> User:
    platform_role_grant(user_id=person.id, role="finance_admin")
    return person


def test_a_finance_admin_finds_a_payment_by_its_id(signed_in: Client, admin: User, other: User, top_up: TopUp) -> None:
    paid = top_up(other, 5000)

    html = signed_in.get(f"/pay/refunds/?payment={paid.id}").content.decode()

    assert "<dt>Amount paid</dt><dd>50.00 AZR</dd>" in html
    assert "<dt>Can still be refunded</dt><dd>50.00 AZR</dd>" in html
    assert f'action="/pay/refunds/{paid.id}/"' in html
    assert '<a href="/pay/refunds/" aria-current="page">Refunds</a>' in html


def test_an_unknown_or_malformed_payment_id_is_said_plainly(signed_in: Client, admin: User) -> None:
    unknown = signed_in.get("/pay/refunds/?payment=0190f1e2-0000-7000-8000-000000000001")
    malformed = signed_in.get("/pay/refunds/?payment=INV-2026")

    assert unknown.status_code == malformed.status_code == 422
    assert "No payment has this id." in unknown.content.decode()
    assert "Enter a payment id" in malformed.content.decode()


def test_a_partial_then_a_full_refund(signed_in: Client, admin: User, other: User, top_up: TopUp) -> None:
    paid = top_up(other, 5000)

    partial = signed_in.post(f"/pay/refunds/{paid.id}/", {"amount": "20", "reason": "Half a course", "refund_key": "a"})
    rest = signed_in.post(f"/pay/refunds/{paid.id}/", {"amount": "", "reason": "The rest", "refund_key": "b"})

    assert partial.status_code == rest.status_code == 302
    assert partial["Location"] == f"/pay/refunds/?payment={paid.id}"
    intent = payments.payment_intent_get(intent_id=paid.id, viewer_id=admin.id)
    assert intent.amount_refunded == Money(5000, "AZR")
    assert available(other) == Money(0, "AZR")
    html = signed_in.get(partial["Location"]).content.decode()
    assert "Refunded 20.00 AZR." in html
    assert "Half a course" in html
    assert "This payment has been refunded in full." in html


def test_a_refund_above_what_remains_is_refused_and_changes_nothing(
    signed_in: Client, admin: User, other: User, top_up: TopUp
) -> None:
    paid = top_up(other, 5000)
    before = money_rows()

    response = signed_in.post(f"/pay/refunds/{paid.id}/", {"amount": "60", "reason": "Too much", "refund_key": "c"})

    assert response.status_code == 409
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert "The refund is more than what remains of the payment." in response.content.decode()
    assert money_rows() == before
    assert available(other) == Money(5000, "AZR")


def test_a_refund_without_a_reason_is_refused(signed_in: Client, admin: User, other: User, top_up: TopUp) -> None:
    paid = top_up(other, 5000)
    before = money_rows()

    response = signed_in.post(f"/pay/refunds/{paid.id}/", {"amount": "5", "reason": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert money_rows() == before
