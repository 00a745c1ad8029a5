"""Two-phase transfers: a hold lowers the available balance, then settles, voids or expires exactly once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from azora.finance import errors, public, services
from azora.finance.events import TransferHeld, TransferPosted, TransferVoided
from azora.finance.jobs import expire_holds_task
from azora.finance.models import Posting as PostingRow
from azora.finance.models import Transfer
from azora.finance.tests.factories import AccountFactory, ledger_snapshot, posting, wallet_with
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def azr(minor: int) -> Money:
    return Money(minor, "AZR")


def hold(
    source: public.AccountView, target: public.AccountView, minor: int, *, minutes: int = 30, **fields: object
) -> public.TransferView:
    arguments: dict[str, object] = {
        "transfer_id": uuid.uuid4(), "kind": "escrow", "reason": "Order in escrow", "reference": "order-1",
        "postings": [posting(source, "debit", minor), posting(target, "credit", minor)],
        "expires_at": timezone.now() + timedelta(minutes=minutes),
    }  # fmt: skip
    arguments.update(fields)
    return services.transfer_hold(**arguments)  # type: ignore[arg-type]


def balances(account: public.AccountView) -> tuple[int, int, int]:
    view = public.balance(account_id=account.id)
    return view.posted.minor, view.held.minor, view.available.minor


def test_a_hold_holds_the_debit_and_does_not_credit_yet() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00)
    assert view.status == "pending"
    assert view.expires_at is not None
    assert balances(buyer) == (10_00, 4_00, 6_00)
    assert balances(seller) == (0, 0, 0)
    assert OutboxEvent.objects.filter(event_type=TransferHeld.event_type, payload__transfer_id=str(view.id)).exists()


def test_a_hold_beyond_the_available_balance_is_refused() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    hold(buyer, seller, 7_00)
    before = ledger_snapshot()
    with pytest.raises(errors.InsufficientFunds):
        hold(buyer, seller, 3_01)
    with pytest.raises(errors.InsufficientFunds):
        services.transfer_post(
            transfer_id=uuid.uuid4(), kind="t", reason="Spend", reference="",
            postings=[posting(buyer, "debit", 3_01), posting(seller, "credit", 3_01)],
        )  # fmt: skip
    assert ledger_snapshot() == before


def test_settle_posts_the_hold_once() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00)
    settled = services.transfer_settle(transfer_id=view.id)
    assert settled.status == "posted"
    assert settled.postings == view.postings
    assert balances(buyer) == (6_00, 0, 6_00)
    assert balances(seller) == (4_00, 0, 4_00)
    before = ledger_snapshot()
    assert services.transfer_settle(transfer_id=view.id) == settled
    assert ledger_snapshot() == before
    assert (
        OutboxEvent.objects.filter(event_type=TransferPosted.event_type, payload__transfer_id=str(view.id)).count() == 1
    )
    # The pending postings stay as written; settling added their posted twins.
    assert PostingRow.objects.filter(transfer_id=view.id, phase="pending").count() == 2
    assert PostingRow.objects.filter(transfer_id=view.id, phase="posted").count() == 2
    assert public.reconcile().is_clean


def test_void_releases_the_hold_once_and_a_voided_hold_cannot_settle() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00)
    voided = services.transfer_void(transfer_id=view.id, reason="Buyer cancelled")
    assert voided.status == "voided"
    assert balances(buyer) == (10_00, 0, 10_00)
    assert balances(seller) == (0, 0, 0)
    assert services.transfer_void(transfer_id=view.id, reason="Again") == voided
    before = ledger_snapshot()
    with pytest.raises(errors.TransferNotPending):
        services.transfer_settle(transfer_id=view.id)
    assert ledger_snapshot() == before
    event = OutboxEvent.objects.get(event_type=TransferVoided.event_type, payload__transfer_id=str(view.id))
    assert event.payload["reason"] == "Buyer cancelled"
    assert public.reconcile().is_clean


def test_a_posted_transfer_cannot_be_voided_and_unknown_ids_are_not_found() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00)
    services.transfer_settle(transfer_id=view.id)
    with pytest.raises(errors.TransferNotPending):
        services.transfer_void(transfer_id=view.id, reason="Too late")
    with pytest.raises(errors.TransferNotFound):
        services.transfer_settle(transfer_id=uuid.uuid4())
    with pytest.raises(errors.InvalidTransfer):
        services.transfer_void(transfer_id=view.id, reason=" ")


def test_a_hold_must_expire_in_the_future_and_be_timezone_aware() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    before = ledger_snapshot()
    with pytest.raises(errors.InvalidTransfer):
        hold(buyer, seller, 1_00, minutes=-1)
    with pytest.raises(errors.InvalidTransfer):
        hold(buyer, seller, 1_00, expires_at=(timezone.now() + timedelta(hours=1)).replace(tzinfo=None))
    assert ledger_snapshot() == before


def test_an_expired_hold_cannot_settle_and_the_job_voids_it() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00, minutes=1)
    later = timezone.now() + timedelta(minutes=2)
    live = hold(buyer, seller, 1_00, minutes=60)

    assert services.transfers_expire_due(now=later) == 1

    assert public.transfer_get(transfer_id=view.id).status == "voided"  # type: ignore[union-attr]
    assert public.transfer_get(transfer_id=live.id).status == "pending"  # type: ignore[union-attr]
    assert balances(buyer) == (10_00, 1_00, 9_00)
    assert services.transfers_expire_due(now=later) == 0
    assert public.reconcile().is_clean


def test_settling_after_the_expiry_time_is_refused_before_the_job_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00, minutes=1)
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    before = ledger_snapshot()
    with pytest.raises(errors.TransferNotPending, match="expired"):
        services.transfer_settle(transfer_id=view.id)
    assert ledger_snapshot() == before


def test_the_periodic_job_runs_the_expiry() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    view = hold(buyer, seller, 4_00, minutes=1)
    assert expire_holds_task.call() == 0
    # Time passes: the hold's expiry is now behind us.
    Transfer.objects.filter(id=view.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_holds_task.call() == 1
    assert balances(buyer) == (10_00, 0, 10_00)


def test_a_repeated_hold_returns_the_first_and_other_content_is_refused() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    expires = timezone.now() + timedelta(minutes=5)
    transfer_id = uuid.uuid4()
    first = hold(buyer, seller, 2_00, transfer_id=transfer_id, expires_at=expires)
    assert hold(buyer, seller, 2_00, transfer_id=transfer_id, expires_at=expires) == first
    with pytest.raises(errors.TransferIdReused):
        hold(buyer, seller, 2_00, transfer_id=transfer_id, expires_at=expires + timedelta(seconds=1))
    with pytest.raises(errors.TransferIdReused):
        services.transfer_post(
            transfer_id=transfer_id, kind="escrow", reason="Order in escrow", reference="order-1",
            postings=[posting(buyer, "debit", 2_00), posting(seller, "credit", 2_00)],
        )  # fmt: skip
    assert balances(buyer) == (10_00, 2_00, 8_00)


def test_entries_show_a_hold_once_whatever_its_state() -> None:
    buyer, seller = wallet_with(10_00), AccountFactory()
    pending = hold(buyer, seller, 1_00)
    voided = hold(buyer, seller, 2_00)
    settled = hold(buyer, seller, 3_00)
    services.transfer_void(transfer_id=voided.id, reason="Cancelled")
    services.transfer_settle(transfer_id=settled.id)
    entries = public.account_entries(account_id=buyer.id).items
    by_transfer = {entry.transfer_id: entry for entry in entries}
    assert len(entries) == 4  # the funding and three holds
    assert by_transfer[pending.id].status == "pending"
    assert by_transfer[pending.id].balance_after is None
    assert by_transfer[voided.id].status == "voided"
    assert by_transfer[voided.id].balance_after is None
    assert by_transfer[settled.id].status == "posted"
    assert by_transfer[settled.id].balance_after == azr(7_00)
