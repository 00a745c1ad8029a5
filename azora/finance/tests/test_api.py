"""The finance endpoints through the real /api/v1 edge: wallets, entries, peer transfers, transfers, statements."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from azora.accounts import public as accounts
from azora.accounts.models import User
from azora.accounts.tests.conftest import jwt_client, key_client, session_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.finance import public as finance
from azora.finance.models import Account, Posting, Transfer
from azora.shared.ids import uuid7
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
JSON = "application/json"


# --- Helpers -------------------------------------------------------------------------------------


def send(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return call(f"/api/v1{path}", headers=headers)
    return call(f"/api/v1{path}", data=json.dumps(body), content_type=JSON, headers=headers)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def azr(minor: int) -> dict[str, Any]:
    """An amount as the API shows it."""
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": "AZR", "minor": minor}


def fund(user: User, minor: int, *, reason: str = "Welcome reward", reference: str = "test:fund") -> uuid.UUID:
    """Moves AZR from the treasury into the user's wallet; the transfer's id."""
    treasury = finance.platform_account(code="treasury", currency="AZR")
    wallet = finance.user_wallet(user_id=user.id)
    amount = Money(minor, "AZR")
    return finance.transfer_post(
        transfer_id=uuid7(),
        kind="reward",
        reason=reason,
        reference=reference,
        postings=[
            finance.Posting(account_id=treasury.id, side="debit", amount=amount),
            finance.Posting(account_id=wallet.id, side="credit", amount=amount),
        ],
    ).id


def wallet_id(user: User) -> uuid.UUID:
    return finance.user_wallet(user_id=user.id).id


def posted(user: User) -> int:
    return finance.balance(account_id=wallet_id(user)).posted.minor


def ledger_snapshot() -> dict[str, Any]:
    """Every ledger row and outbox event, to prove that a refused request wrote nothing."""
    return {
        "transfers": list(Transfer.objects.order_by("id").values_list("id", "status")),
        "postings": Posting.objects.count(),
        "accounts": list(
            Account.objects.order_by("id").values_list(
                "id", "posted_debits", "posted_credits", "pending_debits", "pending_credits"
            )
        ),
        "events": OutboxEvent.objects.count(),
    }


@contextmanager
def nothing_written() -> Iterator[None]:
    before = ledger_snapshot()
    yield
    assert ledger_snapshot() == before


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def alice(db: None) -> User:
    user = UserFactory(email="alice@example.test")
    fund(user, 100_00)
    return user


@pytest.fixture
def bob(db: None) -> User:
    return UserFactory(email="bob@example.test")


@pytest.fixture
def carol(db: None) -> User:
    """Neither party to anything: an outsider."""
    return UserFactory(email="carol@example.test")


@pytest.fixture
def auditor(db: None) -> User:
    user = UserFactory(email="auditor@example.test")
    accounts.platform_role_grant(user_id=user.id, role="finance_admin")
    return user


@pytest.fixture
def operator(db: None) -> User:
    user = UserFactory(email="operator@example.test")
    accounts.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


# --- GET /wallets --------------------------------------------------------------------------------


def test_wallets_show_posted_held_and_available(alice: User, bob: User) -> None:
    wallet = wallet_id(alice)
    finance.transfer_hold(
        transfer_id=uuid7(), kind="escrow", reason="Order escrow", reference="order:1",
        postings=[
            finance.Posting(account_id=wallet, side="debit", amount=Money(25_00, "AZR")),
            finance.Posting(account_id=wallet_id(bob), side="credit", amount=Money(25_00, "AZR")),
        ],
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip

    response = send(session_client(alice), "GET", "/wallets")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": str(wallet),
                "code": "wallet",
                "name": response.json()["items"][0]["name"],
                "currency": "AZR",
                "posted": azr(100_00),
                "held": azr(25_00),
                "available": azr(75_00),
            }
        ]
    }


def test_a_new_user_has_an_empty_azr_wallet(bob: User) -> None:
    response = send(jwt_client(bob), "GET", "/wallets")

    assert response.status_code == 200
    [wallet] = response.json()["items"]
    assert (wallet["currency"], wallet["posted"], wallet["available"]) == ("AZR", azr(0), azr(0))
    assert wallet["id"] == str(wallet_id(bob))


def test_wallets_list_earnings_accounts_too(alice: User) -> None:
    earnings = finance.user_earnings_account(user_id=alice.id, currency="ZAR")

    items = send(session_client(alice), "GET", "/wallets").json()["items"]

    assert sorted((item["code"], item["currency"]) for item in items) == [("earnings", "ZAR"), ("wallet", "AZR")]
    zar = next(item for item in items if item["currency"] == "ZAR")
    assert (zar["id"], zar["posted"]) == (str(earnings.id), {"amount": "0.00", "currency": "ZAR", "minor": 0})


def test_wallets_need_credentials(db: None) -> None:
    assert_problem(send(Client(), "GET", "/wallets"), 401, "not_authenticated")


def test_an_api_key_without_a_finance_scope_is_refused(alice: User) -> None:
    api_key = ApiKeyFactory(user=alice, scopes=["profile:read"])

    body = assert_problem(send(key_client(api_key.key), "GET", "/wallets"), 403, "insufficient_scope")

    assert body["required_scope"] == "finance:read"


# --- GET /wallets/{id}/entries -------------------------------------------------------------------


def test_entries_newest_first_with_signed_amounts_and_running_balance(alice: User, bob: User) -> None:
    sent = finance.peer_transfer(
        transfer_id=uuid7(), from_user_id=alice.id, to_user_id=bob.id, amount=Money(10_00, "AZR"), note="Lunch"
    )
    fee = finance.peer_transfer_fee(amount=Money(10_00, "AZR")).minor

    response = send(session_client(alice), "GET", f"/wallets/{wallet_id(alice)}/entries")

    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    [latest, first] = body["items"]
    assert latest["transfer_id"] == str(sent.id)
    assert (latest["kind"], latest["side"], latest["status"]) == ("peer", "debit", "posted")
    assert latest["amount"] == azr(10_00 + fee)
    assert latest["signed_amount"] == {"amount": f"-{azr(10_00 + fee)['amount']}", "currency": "AZR",
                                       "minor": -(10_00 + fee)}  # fmt: skip
    assert latest["balance_after"] == azr(100_00 - 10_00 - fee)
    assert (first["kind"], first["side"], first["amount"], first["balance_after"]) == (
        "reward", "credit", azr(100_00), azr(100_00)
    )  # fmt: skip


def test_entries_filter_by_kind_text_and_time(alice: User) -> None:
    fund(alice, 1_00, reason="Quiz streak bonus", reference="streak:7")
    client = session_client(alice)
    path = f"/wallets/{wallet_id(alice)}/entries"

    by_text = send(client, "GET", f"{path}?q=streak").json()["items"]
    by_kind = send(client, "GET", f"{path}?kind=peer").json()["items"]
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    future = send(client, "GET", f"{path}?from={tomorrow}").json()["items"]
    today = timezone.now().date().isoformat()
    until_today = send(client, "GET", f"{path}?from={today}&to={today}").json()["items"]

    assert [item["reason"] for item in by_text] == ["Quiz streak bonus"]
    assert by_kind == []
    assert future == []
    assert len(until_today) == 2


def test_entries_pages_cover_every_entry_once(alice: User) -> None:
    for index in range(4):
        fund(alice, 1_00 + index)
    client = session_client(alice)
    path = f"/wallets/{wallet_id(alice)}/entries?limit=2"

    seen: list[int] = []
    cursor = ""
    for _ in range(5):
        page = send(client, "GET", path + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [item["amount"]["minor"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [1_03, 1_02, 1_01, 1_00, 100_00]


def test_entries_of_someone_elses_wallet_are_404(alice: User, carol: User) -> None:
    assert_problem(send(session_client(carol), "GET", f"/wallets/{wallet_id(alice)}/entries"), 404, "account_not_found")
    assert_problem(send(session_client(carol), "GET", f"/wallets/{uuid7()}/entries"), 404, "account_not_found")


def test_a_finance_admin_sees_anyones_entries(alice: User, auditor: User) -> None:
    response = send(session_client(auditor), "GET", f"/wallets/{wallet_id(alice)}/entries")

    assert response.status_code == 200
    assert [item["amount"] for item in response.json()["items"]] == [azr(100_00)]


def test_entries_refuse_a_foreign_cursor_and_a_bad_limit(alice: User) -> None:
    path = f"/wallets/{wallet_id(alice)}/entries"
    client = session_client(alice)

    assert_problem(send(client, "GET", f"{path}?cursor=not-a-cursor"), 422, "invalid_cursor")
    assert_problem(send(client, "GET", f"{path}?limit=0"), 422, "validation_failed")
    assert_problem(send(client, "GET", f"{path}?limit=101"), 422, "validation_failed")


def test_entries_cost_the_same_queries_for_any_page_size(
    alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(alice)
    path = f"/wallets/{wallet_id(alice)}/entries?limit=100"
    with CaptureQueriesContext(connection) as small:
        assert len(send(client, "GET", path).json()["items"]) == 1
    for index in range(30):
        fund(alice, 1 + index)

    with django_assert_num_queries(len(small.captured_queries)):
        assert len(send(client, "GET", path).json()["items"]) == 31


def test_wallets_cost_the_same_queries_for_more_accounts(
    alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(alice)
    send(client, "GET", "/wallets")  # creates nothing more from here on
    with CaptureQueriesContext(connection) as one:
        assert len(send(client, "GET", "/wallets").json()["items"]) == 1
    for currency in ("ZAR", "USD", "KES"):
        finance.user_earnings_account(user_id=alice.id, currency=currency)

    with django_assert_num_queries(len(one.captured_queries)):
        assert len(send(client, "GET", "/wallets").json()["items"]) == 4


# --- POST /transfers -----------------------------------------------------------------------------


def test_send_azr_by_email_shows_the_fee(alice: User, bob: User) -> None:
    fee = finance.peer_transfer_fee(amount=Money(12_50, "AZR")).minor

    response = send(
        session_client(alice), "POST", "/transfers",
        {"to_user": "Bob@Example.test", "amount": "12.50", "currency": "AZR", "note": "Thanks for the notes"},
    )  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["note"]) == ("peer", "posted", "Thanks for the notes")
    assert (body["from_user_id"], body["to_user_id"]) == (str(alice.id), str(bob.id))
    assert body["amount"] == azr(12_50)
    assert body["fee"] == azr(fee)
    assert body["total_debited"] == azr(12_50 + fee)
    assert fee == 2  # 0.10 % of 12.50 is 0.0125 AZR, rounded up to the next 0.01
    assert (posted(alice), posted(bob)) == (100_00 - 12_50 - fee, 12_50)
    assert Transfer.objects.filter(id=body["id"]).exists()


def test_send_azr_by_user_id_with_a_client_chosen_id(alice: User, bob: User) -> None:
    transfer_id = uuid7()

    response = send(
        jwt_client(alice), "POST", "/transfers",
        {"id": str(transfer_id), "to_user": str(bob.id), "amount": "40", "currency": "AZR"},
    )  # fmt: skip

    assert response.status_code == 201, response.content
    assert response.json()["id"] == str(transfer_id)
    assert response.json()["amount"] == azr(40_00)
    assert response.json()["fee"] == azr(4)  # 0.10 % of 40.00


def test_the_same_transfer_id_and_content_applies_once(alice: User, bob: User) -> None:
    body = {"id": str(uuid7()), "to_user": str(bob.id), "amount": "5.00", "currency": "AZR"}
    client = session_client(alice)

    first = send(client, "POST", "/transfers", body)
    again = send(client, "POST", "/transfers", body)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert posted(bob) == 5_00


def test_an_idempotency_key_replays_the_first_response(alice: User, bob: User) -> None:
    client = session_client(alice)
    body = {"to_user": str(bob.id), "amount": "1.00", "currency": "AZR"}

    first = send(client, "POST", "/transfers", body, **{"Idempotency-Key": "send-bob-1"})
    again = send(client, "POST", "/transfers", body, **{"Idempotency-Key": "send-bob-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert posted(bob) == 1_00
    assert Transfer.objects.filter(kind="peer").count() == 1


BAD_TRANSFERS = [
    ({"amount": "-5.00"}, 422, "invalid_amount"),
    ({"amount": "0"}, 422, "invalid_amount"),
    ({"amount": "0.00"}, 422, "invalid_amount"),
    ({"amount": "1.234"}, 422, "invalid_amount"),
    ({"amount": "abc"}, 422, "invalid_amount"),
    ({"amount": "NaN"}, 422, "invalid_amount"),
    ({"amount": "Infinity"}, 422, "invalid_amount"),
    ({"amount": "1e3"}, 422, "invalid_amount"),
    ({"amount": "1_000"}, 422, "invalid_amount"),
    ({"amount": ".5"}, 422, "invalid_amount"),
    ({"amount": ""}, 422, "validation_failed"),
    ({"currency": "XYZ"}, 422, "unknown_currency"),
    ({"currency": "ZAR"}, 422, "currency_mismatch"),
    ({"amount": "100.00"}, 409, "insufficient_funds"),  # plus the fee: more than the 100.00 she holds
    ({"to_user": "nobody@example.test"}, 422, "recipient_not_found"),
    ({"to_user": str(uuid.UUID(int=7))}, 422, "recipient_not_found"),
    ({"to_user": "not an id"}, 422, "recipient_not_found"),
    ({"amount": 5}, 422, "validation_failed"),  # a JSON number: amounts are strings
    ({"surprise": True}, 422, "validation_failed"),
]


@pytest.mark.parametrize(("change", "status", "code"), BAD_TRANSFERS)
def test_bad_transfers_are_refused_and_write_nothing(
    alice: User, bob: User, change: dict[str, Any], status: int, code: str
) -> None:
    body = {"to_user": str(bob.id), "amount": "5.00", "currency": "AZR", **change}

    with nothing_written():
        assert_problem(send(session_client(alice), "POST", "/transfers", body), status, code)

    assert (posted(alice), posted(bob)) == (100_00, 0)


def test_a_deactivated_user_cannot_receive(alice: User, bob: User) -> None:
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    for to_user in ("bob@example.test", str(bob.id)):
        with nothing_written():
            response = send(session_client(alice), "POST", "/transfers", {"to_user": to_user, "amount": "1.00"})
            body = assert_problem(response, 422, "recipient_not_found")
        assert body["errors"] == [{"field": "body.to_user", "message": "No such user."}]


def test_a_reused_transfer_id_with_other_content_is_refused(alice: User, bob: User, carol: User) -> None:
    transfer_id = str(uuid7())
    client = session_client(alice)
    assert (
        send(client, "POST", "/transfers", {"id": transfer_id, "to_user": str(bob.id), "amount": "5.00"}).status_code
        == 201
    )

    with nothing_written():
        assert_problem(
            send(client, "POST", "/transfers", {"id": transfer_id, "to_user": str(carol.id), "amount": "5.00"}),
            409,
            "transfer_id_reused",
        )
        assert_problem(
            send(client, "POST", "/transfers", {"id": transfer_id, "to_user": str(bob.id), "amount": "6.00"}),
            409,
            "transfer_id_reused",
        )


def test_sending_to_yourself_is_refused(alice: User) -> None:
    with nothing_written():
        response = send(session_client(alice), "POST", "/transfers", {"to_user": str(alice.id), "amount": "1.00"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_overdraft_counts_held_funds(alice: User, bob: User) -> None:
    finance.transfer_hold(
        transfer_id=uuid7(), kind="escrow", reason="Order escrow", reference="order:2",
        postings=[
            finance.Posting(account_id=wallet_id(alice), side="debit", amount=Money(95_00, "AZR")),
            finance.Posting(account_id=wallet_id(bob), side="credit", amount=Money(95_00, "AZR")),
        ],
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip

    with nothing_written():
        assert_problem(
            send(session_client(alice), "POST", "/transfers", {"to_user": str(bob.id), "amount": "5.00"}),
            409,
            "insufficient_funds",
        )


# --- GET /transfers/{id} -------------------------------------------------------------------------


def test_a_transfer_is_visible_to_its_parties_and_finance_admins_only(
    alice: User, bob: User, carol: User, auditor: User, operator: User
) -> None:
    created = send(session_client(alice), "POST", "/transfers", {"to_user": str(bob.id), "amount": "2.00"}).json()
    path = f"/transfers/{created['id']}"

    for viewer in (alice, bob, auditor, operator):
        response = send(session_client(viewer), "GET", path)
        assert response.status_code == 200
        assert response.json() == created
    assert_problem(send(session_client(carol), "GET", path), 404, "transfer_not_found")
    assert_problem(send(session_client(carol), "GET", f"/transfers/{uuid7()}"), 404, "transfer_not_found")


def test_a_transfer_lists_its_balanced_postings(alice: User, bob: User) -> None:
    created = send(session_client(alice), "POST", "/transfers", {"to_user": str(bob.id), "amount": "2.00"}).json()
    fees = finance.platform_account(code="fees:peer", currency="AZR").id

    postings = {(p["account_id"], p["side"], p["amount"]["minor"]) for p in created["postings"]}

    assert postings == {
        (str(wallet_id(alice)), "debit", 2_01),
        (str(wallet_id(bob)), "credit", 2_00),
        (str(fees), "credit", 1),
    }


# --- GET /accounts/{id}/statement ----------------------------------------------------------------


def test_statement_as_json(alice: User, bob: User) -> None:
    send(session_client(alice), "POST", "/transfers", {"to_user": str(bob.id), "amount": "10.00"})
    today = timezone.now().date().isoformat()

    response = send(session_client(alice), "GET", f"/accounts/{wallet_id(alice)}/statement?from={today}&to={today}")

    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == (today, today)
    assert body["account"]["id"] == str(wallet_id(alice))
    assert body["opening"] == azr(0)
    assert [line["signed_amount"]["minor"] for line in body["lines"]] == [100_00, -10_01]
    assert body["closing"] == azr(89_99)


def test_statement_of_an_earlier_period_opens_with_the_balance_before_it(alice: User) -> None:
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()

    body = send(
        session_client(alice), "GET", f"/accounts/{wallet_id(alice)}/statement?from={tomorrow}&to={tomorrow}"
    ).json()

    assert (body["opening"], body["lines"], body["closing"]) == (azr(100_00), [], azr(100_00))


def test_statement_as_csv(alice: User) -> None:
    fund(alice, 2_50, reason='=HYPERLINK("http://evil.example")', reference="+cmd")
    today = timezone.now().date()

    response = send(
        session_client(alice), "GET", f"/accounts/{wallet_id(alice)}/statement?from={today}&to={today}&format=csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="azora-statement-azr-{today:%Y%m%d}-{today:%Y%m%d}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "transfer_id", "kind", "reason", "reference", "status", "amount", "currency", "balance"]
    assert rows[1][2:] == ["opening", "Opening balance", "", "", "", "AZR", "0.00"]
    assert [row[6] for row in rows[2:4]] == ["100.00", "2.50"]
    # Text a spreadsheet would run as a formula is quoted.
    assert (rows[3][3], rows[3][4]) == ('\'=HYPERLINK("http://evil.example")', "'+cmd")
    assert rows[-1][2:] == ["closing", "Closing balance", "", "", "", "AZR", "102.50"]


def test_statement_of_someone_elses_account_is_404(alice: User, carol: User, auditor: User) -> None:
    path = f"/accounts/{wallet_id(alice)}/statement"

    assert_problem(send(session_client(carol), "GET", path), 404, "account_not_found")
    assert_problem(send(session_client(carol), "GET", path + "?format=csv"), 404, "account_not_found")
    assert send(session_client(auditor), "GET", path).status_code == 200


def test_statement_refuses_a_bad_period(alice: User) -> None:
    path = f"/accounts/{wallet_id(alice)}/statement"
    client = session_client(alice)

    assert_problem(send(client, "GET", f"{path}?from=2026-03-02&to=2026-03-01"), 422, "invalid_period")
    assert_problem(send(client, "GET", f"{path}?from=2020-01-01&to=2026-01-01"), 422, "invalid_period")
    assert_problem(send(client, "GET", f"{path}?from=yesterday"), 422, "validation_failed")
    assert_problem(send(client, "GET", f"{path}?format=pdf"), 422, "validation_failed")
