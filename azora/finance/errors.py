"""The ledger's domain errors: each maps to an RFC 9457 problem with a stable code at the API edge."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, ValidationFailed


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    title = "The account does not hold enough funds for this transfer."


class UnbalancedTransfer(ValidationFailed):
    code = "unbalanced_transfer"
    title = "The debits and credits of a transfer must be equal in every currency."


class CurrencyMismatch(ValidationFailed):
    code = "currency_mismatch"
    title = "The amount's currency is not the account's currency."


class UnknownCurrency(ValidationFailed):
    code = "unknown_currency"
    title = "The currency is not supported."


class InvalidAmount(ValidationFailed):
    code = "invalid_amount"
    title = "The amount is not valid: it must be more than zero, in the currency's smallest unit or coarser."


class InvalidTransfer(ValidationFailed):
    code = "invalid_transfer"
    title = "The transfer is not valid."


class TransferIdReused(Conflict):
    code = "transfer_id_reused"
    title = "This transfer id was already used for a transfer with other content."


class TransferNotPending(Conflict):
    code = "transfer_not_pending"
    title = "The transfer is not pending, so it cannot be settled or voided."


class TransferNotFound(NotFound):
    code = "transfer_not_found"
    title = "No such transfer."


class ReversalNotAllowed(Conflict):
    code = "reversal_not_allowed"
    title = "The transfer cannot be reversed by this amount."


class AccountNotFound(NotFound):
    code = "account_not_found"
    title = "No such account."


class DailyLimitExceeded(Conflict):
    code = "daily_limit_exceeded"
    title = "This transfer would exceed your daily sending limit."


class PayoutCurrencyNotSupported(ValidationFailed):
    code = "payout_currency_not_supported"
    title = "Payouts are not made in this currency."


class PayoutBelowMinimum(ValidationFailed):
    code = "payout_below_minimum"
    title = "The payout is below the minimum for its currency."


class PayoutExceedsAvailable(Conflict):
    code = "payout_exceeds_available"
    title = "The payout is more than your released earnings available now."


class InvalidPayoutDestination(ValidationFailed):
    code = "invalid_payout_destination"
    title = "The bank account to pay to is not valid."


class PayoutIdReused(Conflict):
    code = "payout_id_reused"
    title = "This payout id was already used for another payout."
