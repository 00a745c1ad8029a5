"""Payout providers behind one Protocol (PayoutProvider), and the embedded sandbox whose test bank accounts decide.

A provider sends an amount to a bank account and answers paid, failed or pending (a bank that answers later);
`retrieve` asks about a payout by our reference, so that one whose answer was lost can be resolved. The sandbox
keeps its side of the world (SandboxPayout) in the database, as a real provider keeps it on its own.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, Protocol

from django.db import IntegrityError, transaction

from azora.finance.models import SandboxPayout
from azora.shared.money import Money

PayoutStatus = Literal["pending", "paid", "failed"]

# Account number -> outcome, as Stripe's test bank accounts have them; any other valid number is paid.
SANDBOX_TEST_ACCOUNTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "000123456789": "paid",
        "000111111116": "no_account",
        "000111111113": "account_closed",
        "000444444440": "invalid_currency",
        "000555555559": "pending",
    }
)
FAILURE_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "no_account": "The bank account does not exist.",
        "account_closed": "The bank account has been closed.",
        "invalid_currency": "The bank account cannot receive this currency.",
    }
)
ACCOUNT_NUMBER = re.compile(r"^[0-9]{6,20}$")
BANK_CODE = re.compile(r"^[A-Za-z0-9]{3,11}$")
MAX_HOLDER_LENGTH = 100


class PayoutError(Exception):
    """A provider call failed; `retryable` says whether the outcome is unknown (network, 5xx) or a refusal."""

    def __init__(self, message: str, *, retryable: bool, code: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A checked destination. Its full number is sent to the provider and never stored by us."""

    account_number: str
    bank_code: str
    account_holder: str

    @property
    def label(self) -> str:
        """What may be shown and stored: the bank and the last four digits."""
        return f"Bank {self.bank_code} ••••{self.account_number[-4:]}"


@dataclass(frozen=True, slots=True)
class PayoutOrder:
    reference: str  # our payout id: the provider's idempotency key and reference
    amount: Money
    destination: BankAccount
    description: str


@dataclass(frozen=True, slots=True)
class PayoutResult:
    provider_ref: str
    status: PayoutStatus
    failure_code: str = ""
    failure_message: str = ""


class PayoutProvider(Protocol):
    """What finance needs from a payout provider. `send` and `retrieve` raise PayoutError when a call fails."""

    name: str

    def check_destination(self, destination: Mapping[str, str]) -> BankAccount:
        """The destination as a BankAccount; ValueError when its shape is wrong (nothing is sent)."""
        ...

    def send(self, order: PayoutOrder) -> PayoutResult:
        """Sends the payout; the same reference again returns the first answer and pays nothing twice."""
        ...

    def retrieve(self, *, reference: str) -> PayoutResult | None:
        """The payout with our reference as the provider sees it now; None when it never received it."""
        ...


def check_bank_account(destination: Mapping[str, str]) -> BankAccount:
    """The shape every provider takes: {"type": "bank_account", "account_number", "bank_code", "account_holder"}."""
    if not isinstance(destination, Mapping) or destination.get("type") != "bank_account":
        raise ValueError('A destination is {"type": "bank_account", "account_number", "bank_code", "account_holder"}.')
    number = "".join(str(destination.get("account_number", "")).split())
    bank_code = str(destination.get("bank_code", "")).strip()
    holder = " ".join(str(destination.get("account_holder", "")).split())
    if not ACCOUNT_NUMBER.match(number):
        raise ValueError("The account number must be 6 to 20 digits.")
    if not BANK_CODE.match(bank_code):
        raise ValueError("The bank code must be 3 to 11 letters or digits.")
    if not 1 <= len(holder) <= MAX_HOLDER_LENGTH:
        raise ValueError(f"The account holder's name must be 1 to {MAX_HOLDER_LENGTH} characters.")
    return BankAccount(account_number=number, bank_code=bank_code, account_holder=holder)


class SandboxPayoutProvider:
    """Implements PayoutProvider in process: the destination's account number decides the outcome."""

    name = "sandbox"

    def check_destination(self, destination: Mapping[str, str]) -> BankAccount:
        return check_bank_account(destination)

    def send(self, order: PayoutOrder) -> PayoutResult:
        existing = SandboxPayout.objects.filter(reference=order.reference).first()
        if existing is not None:
            return _result(existing)
        outcome = SANDBOX_TEST_ACCOUNTS.get(order.destination.account_number, "paid")
        status: PayoutStatus = "paid" if outcome == "paid" else "pending" if outcome == "pending" else "failed"
        try:
            with transaction.atomic():
                payout = SandboxPayout.objects.create(
                    id=f"sbx_po_{secrets.token_hex(12)}",
                    reference=order.reference,
                    amount_minor=order.amount.minor,
                    currency=order.amount.currency,
                    status=status,
                    failure_code="" if status != "failed" else outcome,
                    account_last4=order.destination.account_number[-4:],
                )
        except IntegrityError:
            # The same reference sent concurrently: the first one is the payout.
            payout = SandboxPayout.objects.get(reference=order.reference)
        return _result(payout)

    def retrieve(self, *, reference: str) -> PayoutResult | None:
        payout = SandboxPayout.objects.filter(reference=reference).first()
        return None if payout is None else _result(payout)

    def settle(self, *, reference: str, paid: bool = True) -> None:
        """The sandbox's bank answers a pending payout (tests and the demo call this)."""
        SandboxPayout.objects.filter(reference=reference, status="pending").update(
            status="paid" if paid else "failed", failure_code="" if paid else "account_closed"
        )


def _result(payout: SandboxPayout) -> PayoutResult:
    code = payout.failure_code
    return PayoutResult(
        provider_ref=payout.id,
        status=payout.status,  # type: ignore[arg-type]  # one of PayoutStatus, written by send/settle above
        failure_code=code,
        failure_message=FAILURE_MESSAGES.get(code, "") if code else "",
    )


def build_payout_provider(name: str) -> PayoutProvider:
    """The payout adapter called `name`; KeyError for a name that is not one."""
    if name == "sandbox":
        return SandboxPayoutProvider()
    raise KeyError(name)
