"""Azora Finance's data protection: a pending payout blocks a deletion; the ledger is exported and never changed;
the payout's destination label is cleared."""

from __future__ import annotations

import uuid

import pytest

import azora.security.public as security
from azora.finance import public
from azora.finance.models import Payout, Posting, Transfer
from azora.finance.privacy import anonymise_finance_data, export_finance_data
from azora.finance.tests.factories import UserFactory, fund, ledger_snapshot
from azora.security.errors import DeletionBlocked
from azora.security.models import DeletionRequest
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

PAID = "000123456789"
LATER = "000555555559"  # the sandbox bank answers later: the payout stays pending


def _payout(number: str) -> tuple[uuid.UUID, public.PayoutView]:
    user = UserFactory()
    fund(public.user_earnings_account(user_id=user.id, currency="ZAR"), 500_00)
    destination = {"type": "bank_account", "account_number": number, "bank_code": "250655",
                   "account_holder": "Thandi Nkosi"}  # fmt: skip
    view = public.payout_request(
        payout_id=uuid.uuid4(), user_id=user.id, amount=Money(300_00, "ZAR"), destination=destination
    )
    return user.id, view


def test_a_pending_payout_blocks_a_deletion_and_nothing_is_saved() -> None:
    user_id, payout = _payout(LATER)
    assert payout.status == "pending"

    with pytest.raises(DeletionBlocked) as raised:
        security.deletion_request_create(user_id=user_id)

    assert raised.value.extra["blockers"] == [
        "A payout of yours is still being paid: wait until it is paid or has failed."
    ]
    assert DeletionRequest.objects.count() == 0


def test_a_paid_payout_does_not_block() -> None:
    user_id, payout = _payout(PAID)

    assert payout.status == "paid"
    assert security.deletion_request_blockers(user_id=user_id) == []


def test_the_export_holds_accounts_entries_and_payouts() -> None:
    user_id, payout = _payout(PAID)

    data = export_finance_data(user_id)

    earnings = public.user_earnings_account(user_id=user_id, currency="ZAR")
    assert earnings.id in {row["id"] for row in data["accounts"]}
    assert len(data["ledger_entries"]) >= 2
    assert [(row["id"], row["status"]) for row in data["payouts"]] == [(payout.id, "paid")]


def test_anonymising_clears_the_label_and_never_touches_the_ledger() -> None:
    user_id, payout = _payout(PAID)
    before = ledger_snapshot()
    transfers, postings = Transfer.objects.count(), Posting.objects.count()

    anonymise_finance_data(user_id)

    assert Payout.objects.get(pk=payout.id).destination_label == ""
    assert ledger_snapshot() == before
    assert (Transfer.objects.count(), Posting.objects.count()) == (transfers, postings)
    assert public.reconcile().is_clean
