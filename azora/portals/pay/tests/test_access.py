"""Who may open which Pay UI page: sign-in required everywhere, another person's things are a 404, refunds
are for finance admins only."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

import azora.finance.public as finance
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.portals.pay.tests.conftest import DECLINED_CARD, TopUp, money_rows
from azora.shared.ids import uuid7
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

SOME_ID = "0190f1e2-0000-7000-8000-000000000001"
PAGES = [
    ("get", "/pay/"),
    ("get", "/pay/history/"),
    ("get", "/pay/statements/"),
    ("get", "/pay/send/"),
    ("post", "/pay/send/"),
    ("get", f"/pay/transfers/{SOME_ID}/"),
    ("get", "/pay/top-up/"),
    ("post", "/pay/top-up/"),
    ("get", f"/pay/checkout/{SOME_ID}/"),
    ("post", f"/pay/checkout/{SOME_ID}/"),
    ("get", f"/pay/checkout/{SOME_ID}/challenge/"),
    ("get", f"/pay/checkout/{SOME_ID}/result/"),
    ("post", f"/pay/checkout/{SOME_ID}/cancel/"),
    ("get", "/pay/receipts/"),
    ("get", f"/pay/receipts/{SOME_ID}/"),
    ("get", "/pay/refunds/"),
    ("post", f"/pay/refunds/{SOME_ID}/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_every_pay_page_asks_a_visitor_to_sign_in(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_persons_payment_pages_are_not_found(signed_in: Client, other: User, top_up: TopUp) -> None:
    theirs = top_up(other, 1000)
    assert theirs.receipt_id is not None
    before = money_rows()

    for path in (
        f"/pay/checkout/{theirs.id}/",
        f"/pay/checkout/{theirs.id}/challenge/",
        f"/pay/checkout/{theirs.id}/result/",
        f"/pay/receipts/{theirs.receipt_id}/",
    ):
        assert signed_in.get(path).status_code == 404, path
    paid = signed_in.post(f"/pay/checkout/{theirs.id}/", {"number": "4242424242424242"})
    cancelled = signed_in.post(f"/pay/checkout/{theirs.id}/cancel/")

    assert (paid.status_code, cancelled.status_code) == (404, 404)
    assert money_rows() == before


def test_unknown_payment_and_receipt_ids_are_not_found(signed_in: Client) -> None:
    assert signed_in.get(f"/pay/checkout/{uuid.uuid4()}/").status_code == 404
    assert signed_in.get(f"/pay/receipts/{uuid.uuid4()}/").status_code == 404
    assert signed_in.get(f"/pay/transfers/{uuid.uuid4()}/").status_code == 404


def test_even_a_finance_admin_cannot_pay_someone_elses_checkout(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    platform_role_grant(user_id=person.id, role="finance_admin")
    theirs = top_up(other, 1000, DECLINED_CARD)

    assert signed_in.get(f"/pay/checkout/{theirs.id}/result/").status_code == 404


def test_another_persons_account_history_and_statement_are_not_found(signed_in: Client, other: User) -> None:
    theirs = finance.user_wallet(user_id=other.id)

    assert signed_in.get(f"/pay/history/?account={theirs.id}").status_code == 404
    assert signed_in.get(f"/pay/statements/?account={theirs.id}").status_code == 404
    assert signed_in.get("/pay/history/?account=not-a-uuid").status_code == 404


def test_a_finance_admin_may_open_any_account_history(signed_in: Client, person: User, other: User) -> None:
    platform_role_grant(user_id=person.id, role="finance_admin")
    theirs = finance.user_wallet(user_id=other.id)

    response = signed_in.get(f"/pay/history/?account={theirs.id}")

    assert response.status_code == 200
    assert f'<option value="{theirs.id}" selected>' in response.content.decode()


def test_another_persons_transfer_is_not_found(signed_in: Client, other: User, top_up: TopUp) -> None:
    third = UserFactory(email="third@example.test")
    top_up(other, 5000)
    transfer = finance.peer_transfer(
        transfer_id=uuid7(), from_user_id=other.id, to_user_id=third.id, amount=Money(100, "AZR"), note="lunch"
    )

    assert signed_in.get(f"/pay/transfers/{transfer.id}/").status_code == 404


def test_refunds_are_for_finance_admins_only(signed_in: Client, other: User, top_up: TopUp) -> None:
    theirs = top_up(other, 1000)
    before = money_rows()

    page = signed_in.get("/pay/refunds/")
    refund = signed_in.post(f"/pay/refunds/{theirs.id}/", {"amount": "", "reason": "Because"})

    assert (page.status_code, refund.status_code) == (403, 403)
    assert money_rows() == before
