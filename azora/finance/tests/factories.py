"""Test data for the ledger: accounts made through the services, and money moved in through real transfers.

Cached totals must always match the postings, so accounts and balances are never written with `objects.create`:
`AccountFactory` calls the get-or-create services, and `fund` posts a real transfer from the treasury (AZR) or
a clearing account (fiat).
"""

from __future__ import annotations

import uuid
from typing import Any

import factory

from azora.accounts.tests.factories import UserFactory
from azora.finance import services
from azora.finance.models import Account, Transfer
from azora.finance.models import Posting as PostingRow
from azora.finance.public import AccountView, Posting, TransferView
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

__all__ = ["AccountFactory", "UserFactory", "fund", "ledger_snapshot", "posting", "simple_transfer", "wallet_with"]


class AccountFactory(factory.Factory):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A user's account (`code="wallet"` or `"earnings"`) in a currency, made by the service that makes them."""

    class Meta:
        model = AccountView

    user_id = factory.LazyFunction(lambda: UserFactory().pk)
    code = "wallet"
    currency = "AZR"

    @classmethod
    def _create(cls, model_class: type[AccountView], *args: Any, **kwargs: Any) -> AccountView:
        if kwargs["code"] == "earnings":
            return services.user_earnings_account(user_id=kwargs["user_id"], currency=kwargs["currency"])
        return services.user_wallet(user_id=kwargs["user_id"], currency=kwargs["currency"])


def posting(account: AccountView, side: str, minor: int, currency: str | None = None) -> Posting:
    return Posting(account_id=account.id, side=side, amount=Money(minor, currency or account.currency))  # type: ignore[arg-type]


def fund(account: AccountView, minor: int, *, reason: str = "Test funding") -> TransferView:
    """Moves `minor` into `account` from the AZR treasury, or from a sandbox clearing account for fiat."""
    source = (
        services.platform_account(code="treasury", currency="AZR")
        if account.currency == "AZR"
        else services.platform_account(code="clearing:test", currency=account.currency)
    )
    return services.transfer_post(
        transfer_id=uuid.uuid4(),
        kind="test_funding",
        reason=reason,
        reference="test",
        postings=[posting(source, "debit", minor), posting(account, "credit", minor)],
    )


def wallet_with(minor: int, *, currency: str = "AZR", user_id: uuid.UUID | None = None) -> AccountView:
    """A fresh user's wallet holding `minor`."""
    wallet = AccountFactory(currency=currency, **({"user_id": user_id} if user_id else {}))
    if minor:
        fund(wallet, minor)
    return wallet


def simple_transfer(source: AccountView, target: AccountView, minor: int, **fields: Any) -> TransferView:
    """A two-posting transfer from `source` to `target` (debit source, credit target)."""
    arguments: dict[str, Any] = {
        "transfer_id": uuid.uuid4(), "kind": "test", "reason": "Test transfer", "reference": "ref-1",
        "postings": [posting(source, "debit", minor), posting(target, "credit", minor)],
    }  # fmt: skip
    arguments.update(fields)
    return services.transfer_post(**arguments)


def ledger_snapshot() -> dict[str, Any]:
    """Everything a ledger operation can write; equal before and after proves that a refusal wrote nothing."""
    return {
        "postings": PostingRow.objects.count(),
        "transfers": Transfer.objects.count(),
        "accounts": Account.objects.count(),
        "events": OutboxEvent.objects.count(),
        "totals": sorted(
            Account.objects.values_list("id", "posted_debits", "posted_credits", "pending_debits", "pending_credits")
        ),
        "statuses": sorted(Transfer.objects.values_list("id", "status")),
    }
