"""The Payment Service's calls into the ledger (azora.finance.public), in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import azora.finance.public as finance
from azora.shared.money import Money


def default_credit_account(*, customer_id: uuid.UUID, purpose: str, currency: str) -> uuid.UUID:
    """A top-up credits the customer's wallet in that currency; anything else the platform's sales revenue."""
    if purpose == "wallet_top_up":
        return finance.user_wallet(user_id=customer_id, currency=currency).id
    return finance.platform_account(code="revenue:sales", currency=currency).id


def account_currency(*, account_id: uuid.UUID) -> str | None:
    account = finance.account_get(account_id=account_id)
    return None if account is None else account.currency


def post_payment(
    *,
    transfer_id: uuid.UUID,
    provider: str,
    gross: Money,
    fee: Money,
    credit_account_id: uuid.UUID,
    reason: str,
    reference: str,
    metadata: Mapping[str, Any],
) -> None:
    """Debit clearing:<provider> (gross - fee) and provider_fees:<provider> (fee); credit the payee with the gross."""
    clearing = finance.platform_account(code=f"clearing:{provider}", currency=gross.currency)
    postings = [finance.Posting(account_id=credit_account_id, side="credit", amount=gross)]
    net = gross - fee
    if net.minor > 0:
        postings.append(finance.Posting(account_id=clearing.id, side="debit", amount=net))
    if fee.minor > 0:
        fees = finance.platform_account(code=f"provider_fees:{provider}", currency=gross.currency)
        postings.append(finance.Posting(account_id=fees.id, side="debit", amount=fee))
    finance.transfer_post(
        transfer_id=transfer_id,
        kind="payment",
        reason=reason,
        reference=reference,
        postings=postings,
        metadata=dict(metadata),
    )


def reverse_payment(
    *,
    transfer_id: uuid.UUID,
    original_transfer_id: uuid.UUID,
    refund: Money,
    paid: Money,
    reason: str,
    metadata: Mapping[str, Any],
) -> None:
    """Reverses the payment's postings in proportion refund/paid (the ledger rounds so the reversal balances)."""
    finance.transfer_reverse(
        transfer_id=transfer_id,
        original_transfer_id=original_transfer_id,
        reason=reason,
        numerator=refund.minor,
        denominator=paid.minor,
        metadata=dict(metadata),
    )


def restore_after_failed_refund(*, transfer_id: uuid.UUID, refund_transfer_id: uuid.UUID, reason: str) -> None:
    """A refund the provider failed after accepting it: its reversal is reversed in full, restoring the payment."""
    finance.transfer_reverse(transfer_id=transfer_id, original_transfer_id=refund_transfer_id, reason=reason)
