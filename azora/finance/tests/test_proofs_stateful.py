"""Proof: random sequences of transfers, holds, settles, voids, reversals, peer sends and burns keep every invariant.

A hypothesis state machine drives azora.finance.public only, and keeps its own model of what every account it
touches must hold (posted and held, to the minor unit). After each step it checks that the ledger agrees with the
model, that money is conserved (credits minus debits over the tracked accounts never change, as every transfer
stays among them), that no account that may not go negative is negative (posted or available), and that the
reconcile (which also checks the AZR supply) is clean. A refused operation must be refused for the reason the
model predicts and change nothing. Runs on SQLite and on PostgreSQL; each example runs in a transaction that is
rolled back at its end, so examples are independent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule, run_state_machine_as_test

from azora.accounts.tests.factories import UserFactory
from azora.finance import public as finance
from azora.finance.errors import (
    DailyLimitExceeded,
    InsufficientFunds,
    ReversalNotAllowed,
    TransferIdReused,
    TransferNotPending,
)
from azora.shared.errors import DomainError
from azora.shared.ids import uuid7
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

WALLETS = 4
FUNDING_MINOR = 5_000
amounts = st.integers(min_value=1, max_value=3_000)
Leg = tuple[uuid.UUID, str, int]


@dataclass
class Model:
    """What each tracked account must hold: its normal-side posted balance and the amount held from it."""

    posted: dict[uuid.UUID, int] = field(default_factory=dict)
    held: dict[uuid.UUID, int] = field(default_factory=dict)
    may_go_negative: dict[uuid.UUID, bool] = field(default_factory=dict)
    debit_normal: dict[uuid.UUID, bool] = field(default_factory=dict)

    def track(self, account: finance.AccountView) -> uuid.UUID:
        balance = finance.balance(account_id=account.id)
        self.posted[account.id] = balance.posted.minor
        self.held[account.id] = balance.held.minor
        self.may_go_negative[account.id] = account.may_go_negative
        self.debit_normal[account.id] = account.is_debit_normal
        return account.id

    def effect(self, account_id: uuid.UUID, side: str, minor: int) -> int:
        """How a posting moves the account's normal-side balance."""
        return minor if (side == "debit") == self.debit_normal[account_id] else -minor

    def available(self, account_id: uuid.UUID) -> int:
        return self.posted[account_id] - self.held[account_id]

    def can_post(self, legs: Sequence[Leg]) -> bool:
        """Whether posting `legs` keeps available >= 0 on every account it lowers that may not go negative."""
        delta: dict[uuid.UUID, int] = {}
        for account_id, side, minor in legs:
            delta[account_id] = delta.get(account_id, 0) + self.effect(account_id, side, minor)
        return all(
            self.may_go_negative[account_id] or change >= 0 or self.available(account_id) + change >= 0
            for account_id, change in delta.items()
        )

    def post(self, legs: Sequence[Leg]) -> None:
        for account_id, side, minor in legs:
            self.posted[account_id] += self.effect(account_id, side, minor)

    def credits_minus_debits(self, posted: dict[uuid.UUID, int]) -> int:
        return sum(-value if self.debit_normal[account_id] else value for account_id, value in posted.items())


@dataclass(frozen=True)
class Pending:
    transfer_id: uuid.UUID
    source: uuid.UUID
    target: uuid.UUID
    minor: int
    expires_at: datetime


@dataclass(frozen=True)
class Posted:
    transfer_id: uuid.UUID
    legs: tuple[Leg, ...]


def two_postings(source: uuid.UUID, target: uuid.UUID, minor: int) -> list[finance.Posting]:
    amount = Money(minor, "AZR")
    return [
        finance.Posting(account_id=source, side="debit", amount=amount),
        finance.Posting(account_id=target, side="credit", amount=amount),
    ]


def legs_of(view: finance.TransferView) -> tuple[Leg, ...]:
    return tuple((posting.account_id, posting.side, posting.amount.minor) for posting in view.postings)


def expected_reversal(original: tuple[Leg, ...], numerator: int, denominator: int) -> list[Leg]:
    """The mirror image, each side scaled by largest remainder (an independent reading of the contract)."""
    mirror: list[Leg] = []
    for side in ("debit", "credit"):
        group = [leg for leg in original if leg[1] == side]
        target = sum(minor for _, _, minor in group) * numerator // denominator
        parts = [minor * numerator // denominator for _, _, minor in group]
        by_remainder = sorted(range(len(group)), key=lambda i: (-(group[i][2] * numerator % denominator), i))
        for index in by_remainder[: target - sum(parts)]:
            parts[index] += 1
        flipped = "credit" if side == "debit" else "debit"
        mirror += [(leg[0], flipped, part) for leg, part in zip(group, parts, strict=True) if part > 0]
    return mirror


class LedgerMachine(RuleBasedStateMachine):
    pending = Bundle("pending")
    posted = Bundle("posted")
    voided = Bundle("voided")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in its own transaction and rolls it back (teardown), so none sees another's rows.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.model = Model()
        self.treasury = self.model.track(finance.platform_account(code="treasury", currency="AZR"))
        self.burn = self.model.track(finance.platform_account(code="burn", currency="AZR"))
        self.fees = self.model.track(finance.platform_account(code="fees:peer", currency="AZR"))
        self.users = [UserFactory().id for _ in range(WALLETS)]
        self.wallets = [self.model.track(finance.user_wallet(user_id=user_id)) for user_id in self.users]
        for wallet in self.wallets:
            self._post_direct("funding", two_postings(self.treasury, wallet, FUNDING_MINOR))
        self.sent_today = dict.fromkeys(self.users, 0)
        self.conserved = self.model.credits_minus_debits(self.model.posted)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------------

    def _post_direct(self, kind: str, postings: list[finance.Posting]) -> finance.TransferView:
        legs = [(p.account_id, p.side, p.amount.minor) for p in postings]
        assert self.model.can_post(legs)
        view = finance.transfer_post(
            transfer_id=uuid7(), kind=kind, reason=f"Stateful proof: {kind}", reference="stateful", postings=postings
        )
        assert sorted(legs_of(view)) == sorted(legs)
        self.model.post(legs)
        return view

    def _refused(self, error: type[DomainError], call: Callable[[], object]) -> None:
        """The model predicted a refusal: the call must raise `error` and change nothing at all."""
        before = self._ledger_state()
        with pytest.raises(error):
            call()
        assert self._ledger_state() == before

    def _ledger_state(self) -> dict[uuid.UUID, tuple[int, int]]:
        return {
            account_id: (view.posted.minor, view.held.minor)
            for account_id in self.model.posted
            for view in [finance.balance(account_id=account_id)]
        }

    def _pair(self, data: st.DataObject) -> tuple[int, int]:
        source = data.draw(st.integers(0, WALLETS - 1))
        target = data.draw(st.integers(0, WALLETS - 1).filter(lambda index: index != source))
        return source, target

    # --- rules -----------------------------------------------------------------------------------

    @rule(target=posted, data=st.data(), minor=amounts)
    def transfer(self, data: st.DataObject, minor: int) -> Posted:
        source, target = (self.wallets[index] for index in self._pair(data))
        postings = two_postings(source, target, minor)
        if not self.model.can_post([(source, "debit", minor), (target, "credit", minor)]):
            self._refused(
                InsufficientFunds,
                lambda: finance.transfer_post(
                    transfer_id=uuid7(), kind="transfer", reason="Refused", reference="stateful", postings=postings
                ),
            )
            return Posted(uuid7(), ())
        view = self._post_direct("transfer", postings)
        return Posted(view.id, legs_of(view))

    @rule(target=posted, data=st.data(), minor=amounts)
    def peer_send(self, data: st.DataObject, minor: int) -> Posted:
        """A peer send: the sender pays amount + fee; the fee (0.10 %, rounded up, at least 0.01) goes to fees."""
        sender, recipient = self._pair(data)
        fee = max(
            -(-minor * django_settings.AZORA_AZR_PEER_FEE_BPS // 10_000), django_settings.AZORA_AZR_PEER_FEE_MIN_MINOR
        )
        assert finance.peer_transfer_fee(amount=Money(minor, "AZR")).minor == fee
        legs = [
            (self.wallets[sender], "debit", minor + fee),
            (self.wallets[recipient], "credit", minor),
            (self.fees, "credit", fee),
        ]
        transfer_id = uuid7()

        def call() -> finance.TransferView:
            return finance.peer_transfer(
                transfer_id=transfer_id, from_user_id=self.users[sender], to_user_id=self.users[recipient],
                amount=Money(minor, "AZR"), note="Stateful proof",
            )  # fmt: skip

        limit = django_settings.AZORA_AZR_PEER_DAILY_LIMIT * 100
        if self.sent_today[self.users[sender]] + minor > limit:
            self._refused(DailyLimitExceeded, call)
            return Posted(uuid7(), ())
        if not self.model.can_post(legs):
            self._refused(InsufficientFunds, call)
            return Posted(uuid7(), ())
        view = call()
        assert sorted(legs_of(view)) == sorted(legs)
        self.model.post(legs)
        self.sent_today[self.users[sender]] += minor
        return Posted(view.id, legs_of(view))

    @rule(target=posted, wallet_index=st.integers(0, WALLETS - 1), minor=amounts)
    def redeem(self, wallet_index: int, minor: int) -> Posted:
        """A redemption burns 2 % (rounded down) and returns the rest to the treasury."""
        burned = minor * django_settings.AZORA_AZR_REDEMPTION_BURN_BPS // 10_000
        wallet = self.wallets[wallet_index]
        legs = [(wallet, "debit", minor), (self.burn, "credit", burned), (self.treasury, "credit", minor - burned)]
        legs = [leg for leg in legs if leg[2] > 0]

        def call() -> finance.TransferView:
            return finance.burn_for_redemption(
                transfer_id=uuid7(), user_id=self.users[wallet_index], amount=Money(minor, "AZR"),
                reason="Stateful proof: redemption", reference="stateful",
            )  # fmt: skip

        if not self.model.can_post(legs):
            self._refused(InsufficientFunds, call)
            return Posted(uuid7(), ())
        view = call()
        assert sorted(legs_of(view)) == sorted(legs)
        self.model.post(legs)
        return Posted(view.id, legs_of(view))

    @rule(target=pending, data=st.data(), minor=amounts)
    def hold(self, data: st.DataObject, minor: int) -> Pending:
        source, target = (self.wallets[index] for index in self._pair(data))
        held = Pending(uuid7(), source, target, minor, timezone.now() + timedelta(hours=1))
        if self.model.available(source) < minor:
            self._refused(InsufficientFunds, lambda: self._hold(held))
            return Pending(held.transfer_id, source, target, 0, held.expires_at)
        view = self._hold(held)
        assert view.status == "pending"
        self.model.held[source] += minor
        return held

    def _hold(self, held: Pending, *, minor: int | None = None) -> finance.TransferView:
        return finance.transfer_hold(
            transfer_id=held.transfer_id, kind="hold", reason="Stateful proof: hold", reference="stateful",
            postings=two_postings(held.source, held.target, minor or held.minor), expires_at=held.expires_at,
        )  # fmt: skip

    @rule(held=pending)
    def repeat_hold(self, held: Pending) -> None:
        """The same id with the same content returns the first transfer; with other content it is refused."""
        if held.minor == 0:
            return
        first = finance.transfer_get(transfer_id=held.transfer_id)
        assert first is not None
        before = self._ledger_state()
        assert self._hold(held) == first
        assert self._ledger_state() == before
        self._refused(TransferIdReused, lambda: self._hold(held, minor=held.minor + 1))

    @rule(target=posted, held=consumes(pending))
    def settle(self, held: Pending) -> Posted:
        if held.minor == 0:
            return Posted(uuid7(), ())
        view = finance.transfer_settle(transfer_id=held.transfer_id)
        assert view.status == "posted"
        self.model.held[held.source] -= held.minor
        self.model.post([(held.source, "debit", held.minor), (held.target, "credit", held.minor)])
        return Posted(view.id, ((held.source, "debit", held.minor), (held.target, "credit", held.minor)))

    @rule(target=voided, held=consumes(pending))
    def void(self, held: Pending) -> Pending:
        if held.minor == 0:
            return held
        view = finance.transfer_void(transfer_id=held.transfer_id, reason="Stateful proof: void")
        assert view.status == "voided"
        self.model.held[held.source] -= held.minor
        return held

    @rule(gone=voided)
    def settling_a_voided_hold_is_refused(self, gone: Pending) -> None:
        if gone.minor == 0:
            return
        self._refused(TransferNotPending, lambda: finance.transfer_settle(transfer_id=gone.transfer_id))

    @rule(original=consumes(posted), numerator=st.integers(1, 4), denominator=st.integers(1, 4))
    def reverse(self, original: Posted, numerator: int, denominator: int) -> None:
        """A refund-like reversal of part (or all) of a posted transfer, then a second one that over-reverses."""
        if not original.legs:
            return
        numerator = min(numerator, denominator)
        mirror = expected_reversal(original.legs, numerator, denominator)
        if not mirror:
            return

        def call(fraction: tuple[int, int] = (numerator, denominator)) -> finance.TransferView:
            return finance.transfer_reverse(
                transfer_id=uuid7(), original_transfer_id=original.transfer_id, reason="Stateful proof: refund",
                numerator=fraction[0], denominator=fraction[1],
            )  # fmt: skip

        if not self.model.can_post(mirror):
            self._refused(InsufficientFunds, call)
            return
        view = call()
        assert view.reverses_id == original.transfer_id
        assert sorted(legs_of(view)) == sorted(mirror)
        self.model.post(mirror)
        if numerator == denominator:  # all of it taken back: any further reversal would take back more
            self._refused(ReversalNotAllowed, lambda: call((1, 1)))

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def every_invariant_holds(self) -> None:
        """Checked after every step, from one read of the balances."""
        views = {account_id: finance.balance(account_id=account_id) for account_id in self.model.posted}
        # The ledger agrees with the model, posted and held, to the minor unit.
        assert {account_id: (view.posted.minor, view.held.minor) for account_id, view in views.items()} == {
            account_id: (self.model.posted[account_id], self.model.held[account_id]) for account_id in views
        }
        # No account that may not go negative is negative, posted or available.
        for account_id, view in views.items():
            if not self.model.may_go_negative[account_id]:
                assert view.posted.minor >= 0
                assert view.available.minor >= 0
        # Conservation: credits minus debits over the tracked accounts never change.
        live = {account_id: view.posted.minor for account_id, view in views.items()}
        assert self.model.credits_minus_debits(live) == self.conserved
        # The reconcile recomputes every balance from the postings and checks the AZR supply.
        report = finance.reconcile()
        assert report.is_clean, report.differences


PROOF_SETTINGS = settings(
    max_examples=20,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_random_ledger_operations_keep_every_invariant() -> None:
    run_state_machine_as_test(LedgerMachine, settings=PROOF_SETTINGS)
