"""Azora Finance's part of data protection: the person's accounts, balances, ledger entries and payouts for their
export; what blocks a deletion (a payout still pending); what a deletion clears.

The ledger is a financial record kept for AZORA_PRIVACY_FINANCIAL_RETENTION_YEARS: accounts, transfers and
postings are never changed (they name the user by id only). A payout's destination label (bank and last four
digits) lives outside the ledger and is cleared.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _

from azora.finance.models import Account, Payout, Posting
from azora.security.public import export_rows, register_anonymiser, register_deletion_blocker, register_exporter


def _user_accounts(user_id: uuid.UUID) -> Any:
    return Account.objects.filter(owner_type=Account.OwnerType.USER, owner_id=user_id)


def export_finance_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "accounts": export_rows(
            _user_accounts(user_id).order_by("code", "currency"),
            ["id", "code", "currency", "name", "posted_debits", "posted_credits", "pending_debits", "pending_credits"],
        ),
        "ledger_entries": export_rows(
            Posting.objects.filter(account__in=_user_accounts(user_id)).order_by("-created_at", "-id"),
            [
                "transfer_id",
                "account__code",
                "side",
                "amount",
                "currency",
                "phase",
                "transfer__kind",
                "transfer__reason",
                "created_at",
            ],
        ),
        "payouts": export_rows(
            Payout.objects.filter(user_id=user_id).order_by("-created_at"),
            [
                "id",
                "amount_minor",
                "currency",
                "status",
                "provider",
                "destination_label",
                "created_at",
                "paid_at",
                "failed_at",
            ],
        ),
    }


def finance_deletion_blocker(user_id: uuid.UUID) -> str | None:
    if Payout.objects.filter(user_id=user_id, status=Payout.Status.PENDING).exists():
        return _("A payout of yours is still being paid: wait until it is paid or has failed.")
    return None


def anonymise_finance_data(user_id: uuid.UUID) -> None:
    Payout.objects.filter(user_id=user_id).update(destination_label="")


register_exporter("finance", export_finance_data)
register_anonymiser("finance", anonymise_finance_data)
register_deletion_blocker("finance", finance_deletion_blocker)
