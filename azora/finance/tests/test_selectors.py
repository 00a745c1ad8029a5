"""The ledger's read side: entries with filters, cursors and running balances, statements, history, permissions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from azora.accounts import public as accounts
from azora.accounts.tests.factories import OrganisationFactory
from azora.finance import errors, public, services
from azora.finance.tests.factories import AccountFactory, UserFactory, simple_transfer, wallet_with
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money
from azora.shared.pagination import InvalidCursor

pytestmark = pytest.mark.django_db


def azr(minor: int) -> Money:
    return Money(minor, "AZR")


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Posting times come from `timezone.now()` (auto_now_add); pin it to write history on given days."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_entries_are_newest_first_with_the_balance_after_each() -> None:
    wallet, other = wallet_with(10_00), AccountFactory()
    simple_transfer(wallet, other, 1_00, reason="Coffee", kind="peer")
    simple_transfer(other, wallet, 50, reason="Change back", reference="coffee-change")
    simple_transfer(wallet, other, 2_00, reason="Book", kind="peer")

    page = public.account_entries(account_id=wallet.id)

    assert [(e.reason, e.side, e.amount.minor, e.balance_after) for e in page.items] == [
        ("Book", "debit", 2_00, azr(7_50)),
        ("Change back", "credit", 50, azr(9_50)),
        ("Coffee", "debit", 1_00, azr(9_00)),
        ("Test funding", "credit", 10_00, azr(10_00)),
    ]
    assert page.next_cursor is None
    assert {e.status for e in page.items} == {"posted"}


def test_entries_pages_follow_the_cursor_and_keep_balances_right() -> None:
    wallet, other = wallet_with(100_00), AccountFactory()
    for index in range(5):
        simple_transfer(wallet, other, (index + 1) * 1_00, reason=f"Payment {index}")
    first = public.account_entries(account_id=wallet.id, limit=2)
    second = public.account_entries(account_id=wallet.id, limit=2, cursor=first.next_cursor)
    third = public.account_entries(account_id=wallet.id, limit=2, cursor=second.next_cursor)
    assert [e.reason for e in first.items + second.items + third.items] == [
        "Payment 4", "Payment 3", "Payment 2", "Payment 1", "Payment 0", "Test funding",
    ]  # fmt: skip
    assert [e.balance_after.minor for e in second.items if e.balance_after] == [94_00, 97_00]
    assert third.next_cursor is None
    with pytest.raises(InvalidCursor):
        public.account_entries(account_id=wallet.id, cursor="not-a-cursor")


def test_entries_filter_by_kind_search_and_period(monkeypatch: pytest.MonkeyPatch) -> None:
    wallet, other = wallet_with(100_00), AccountFactory()
    at(datetime(2026, 3, 1, 12, tzinfo=UTC), monkeypatch)
    simple_transfer(wallet, other, 1_00, reason="March rent", kind="rent", reference="flat-9")
    at(datetime(2026, 4, 1, 12, tzinfo=UTC), monkeypatch)
    simple_transfer(wallet, other, 2_00, reason="April rent", kind="rent", reference="flat-9")
    simple_transfer(wallet, other, 3_00, reason="Groceries", kind="shop", reference="till-1")

    def reasons(**filters: object) -> list[str]:
        return [e.reason for e in public.account_entries(account_id=wallet.id, **filters).items]  # type: ignore[arg-type]

    assert reasons(kind="rent") == ["April rent", "March rent"]
    assert reasons(search="RENT") == ["April rent", "March rent"]
    assert reasons(search="till") == ["Groceries"]
    assert reasons(since=datetime(2026, 4, 1, tzinfo=UTC), kind="rent") == ["April rent"]
    assert reasons(until=datetime(2026, 4, 1, tzinfo=UTC), kind="rent") == ["March rent"]
    # Filtered entries still carry the balance after them in the whole account's order.
    groceries = public.account_entries(account_id=wallet.id, kind="shop").items[0]
    assert groceries.balance_after == azr(94_00)


def test_entries_of_an_unknown_account_are_not_found() -> None:
    with pytest.raises(errors.AccountNotFound):
        public.account_entries(account_id=uuid.uuid4())
    with pytest.raises(errors.AccountNotFound):
        public.balance(account_id=uuid.uuid4())
    assert public.account_get(account_id=uuid.uuid4()) is None
    assert public.transfer_get(transfer_id=uuid.uuid4()) is None


def test_entries_cost_a_fixed_number_of_queries(django_assert_max_num_queries: object) -> None:
    wallet, other = wallet_with(100_00), AccountFactory()
    for _ in range(20):
        simple_transfer(wallet, other, 1_00)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        page = public.account_entries(account_id=wallet.id, limit=50)
    assert len(page.items) == 21


def test_a_statement_has_opening_lines_and_closing(monkeypatch: pytest.MonkeyPatch) -> None:
    wallet, other = AccountFactory(), AccountFactory()
    treasury = services.platform_account(code="treasury", currency="AZR")
    at(datetime(2026, 2, 27, 9, tzinfo=UTC), monkeypatch)
    simple_transfer(treasury, wallet, 50_00, reason="February reward")
    at(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), monkeypatch)
    simple_transfer(wallet, other, 5_00, reason="First of March")
    at(datetime(2026, 3, 31, 23, 59, tzinfo=UTC), monkeypatch)
    simple_transfer(treasury, wallet, 1_25, reason="Last of March")
    at(datetime(2026, 4, 1, 0, 0, tzinfo=UTC), monkeypatch)
    simple_transfer(wallet, other, 7_00, reason="April")

    view = public.statement(account_id=wallet.id, start=date(2026, 3, 1), end=date(2026, 3, 31))

    assert view.account == wallet
    assert view.opening == azr(50_00)
    assert [(line.reason, line.balance_after) for line in view.lines] == [
        ("First of March", azr(45_00)),
        ("Last of March", azr(46_25)),
    ]
    assert view.closing == azr(46_25)
    with pytest.raises(ValidationFailed):
        public.statement(account_id=wallet.id, start=date(2026, 3, 2), end=date(2026, 3, 1))


def test_balance_history_gives_the_closing_balance_of_each_day(monkeypatch: pytest.MonkeyPatch) -> None:
    wallet, other = AccountFactory(), AccountFactory()
    treasury = services.platform_account(code="treasury", currency="AZR")
    today = datetime(2026, 5, 10, 15, tzinfo=UTC)
    at(today - timedelta(days=10), monkeypatch)
    simple_transfer(treasury, wallet, 20_00)
    at(today - timedelta(days=2), monkeypatch)
    simple_transfer(wallet, other, 5_00)
    simple_transfer(wallet, other, 1_00)
    at(today, monkeypatch)
    simple_transfer(treasury, wallet, 3_00)

    history = public.balance_history(account_id=wallet.id, days=4)

    assert history == [
        (date(2026, 5, 7), azr(20_00)),
        (date(2026, 5, 8), azr(14_00)),
        (date(2026, 5, 9), azr(14_00)),
        (date(2026, 5, 10), azr(17_00)),
    ]
    with pytest.raises(ValidationFailed):
        public.balance_history(account_id=wallet.id, days=0)


def test_may_view_account_owner_admins_and_organisation_managers() -> None:
    owner, stranger, finance_admin = UserFactory(), UserFactory(), UserFactory()
    accounts.platform_role_grant(user_id=finance_admin.pk, role="finance_admin")
    wallet = services.user_wallet(user_id=owner.pk)
    assert public.may_view_account(user_id=owner.pk, account_id=wallet.id)
    assert not public.may_view_account(user_id=stranger.pk, account_id=wallet.id)
    assert public.may_view_account(user_id=finance_admin.pk, account_id=wallet.id)
    assert not public.may_view_account(user_id=owner.pk, account_id=uuid.uuid4())
    treasury = services.platform_account(code="treasury", currency="AZR")
    assert not public.may_view_account(user_id=owner.pk, account_id=treasury.id)
    assert public.may_view_account(user_id=finance_admin.pk, account_id=treasury.id)
    organisation = OrganisationFactory(owner=owner)
    credits = services.organisation_account(organisation_id=organisation.pk, code="credits", currency="ZAR")
    assert public.may_view_account(user_id=owner.pk, account_id=credits.id)
    assert not public.may_view_account(user_id=stranger.pk, account_id=credits.id)
