"""Proof on PostgreSQL: 32 threads x 200 random transfers among 20 accounts, with repeated transfer ids.

Every thread has its own database connection. Two calls in five repeat a transfer id already used (by
any thread, maybe at the same moment) with the same content, which must return the first transfer and
never apply it twice. Afterwards: money is conserved, no account that may not go negative is negative,
every id was applied exactly once, and no deadlock or serialization failure ever reached a caller (the
only refusal a caller may see is insufficient funds, which the ledger decides under its row locks).
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import pytest
from django.db import connections

from azora.accounts.tests.factories import UserFactory
from azora.finance import public as finance
from azora.finance.errors import InsufficientFunds
from azora.shared.ids import uuid7
from azora.shared.money import Money

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 32
TRANSFERS_PER_THREAD = 200
ACCOUNTS = 20
FUNDING_MINOR = 5_000
# Repeats cost one read each, so a large share keeps the proof under a minute while the key races stay many.
REPEAT_SHARE = 0.4


@dataclass(frozen=True)
class Planned:
    transfer_id: uuid.UUID
    source: uuid.UUID
    target: uuid.UUID
    minor: int


class SharedPlans:
    """Transfers already sent by any thread, for others to repeat with exactly the same content."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[Planned] = []

    def add(self, plan: Planned) -> None:
        with self.lock:
            self.sent.append(plan)

    def pick(self, chooser: random.Random) -> Planned | None:
        with self.lock:
            return chooser.choice(self.sent) if self.sent else None


def _post(plan: Planned) -> finance.TransferView:
    amount = Money(plan.minor, "AZR")
    return finance.transfer_post(
        transfer_id=plan.transfer_id,
        kind="concurrency_test",
        reason="Concurrency proof",
        reference=f"concurrency:{plan.transfer_id}",
        postings=[
            finance.Posting(account_id=plan.source, side="debit", amount=amount),
            finance.Posting(account_id=plan.target, side="credit", amount=amount),
        ],
    )


def _fund(wallets: list[uuid.UUID]) -> None:
    treasury = finance.platform_account(code="treasury", currency="AZR")
    for wallet in wallets:
        _post(Planned(transfer_id=uuid7(), source=treasury.id, target=wallet, minor=FUNDING_MINOR))


@pytest.fixture
def connection_per_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A pool large enough for every thread to hold its own connection for the whole test (the default is 8)."""
    wrapper = cast("PostgresDatabaseWrapper", connections["default"])
    pool = wrapper.settings_dict["OPTIONS"].get("pool")
    if not isinstance(pool, dict):
        yield  # plain connections: each thread opens its own anyway
        return
    wrapper.close()
    wrapper.close_pool()
    monkeypatch.setitem(pool, "max_size", THREADS + 2)
    yield
    wrapper.close()
    wrapper.close_pool()  # the next test gets a pool of the configured size again


@pytest.mark.usefixtures("connection_per_thread")
def test_32_threads_of_random_transfers_conserve_money_and_apply_each_id_once() -> None:
    wallets = [finance.user_wallet(user_id=UserFactory().id).id for _ in range(ACCOUNTS)]
    _fund(wallets)
    shared = SharedPlans()
    barrier = threading.Barrier(THREADS)
    applied: list[list[Planned]] = [[] for _ in range(THREADS)]  # first results, as the caller saw them
    repeated: list[list[tuple[Planned, finance.TransferView]]] = [[] for _ in range(THREADS)]
    refused: list[list[Planned]] = [[] for _ in range(THREADS)]
    failures: list[BaseException] = []

    def work(index: int) -> None:
        chooser = random.Random(index)
        try:
            barrier.wait(timeout=30)
            for _ in range(TRANSFERS_PER_THREAD):
                earlier = shared.pick(chooser) if chooser.random() < REPEAT_SHARE else None
                if earlier is not None:
                    repeated[index].append((earlier, _post(earlier)))
                    continue
                source, target = chooser.sample(wallets, 2)
                plan = Planned(uuid7(), source, target, chooser.randint(1, 400))
                try:
                    _post(plan)
                except InsufficientFunds:
                    refused[index].append(plan)
                    continue
                applied[index].append(plan)
                shared.add(plan)
        except BaseException as error:  # anything else reaching a caller fails the proof
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert failures == []
    assert not any(thread.is_alive() for thread in threads)
    first = [plan for own in applied for plan in own]
    repeats = [pair for own in repeated for pair in own]
    assert len(first) + len(repeats) + sum(map(len, refused)) == THREADS * TRANSFERS_PER_THREAD
    assert len(repeats) > THREADS * TRANSFERS_PER_THREAD * REPEAT_SHARE / 2  # the repeats really happened
    # A repeat answers with the first transfer, unchanged.
    for plan, view in repeats:
        assert view.id == plan.transfer_id
        assert {(p.account_id, p.side, p.amount.minor) for p in view.postings} == {
            (plan.source, "debit", plan.minor),
            (plan.target, "credit", plan.minor),
        }
    # Each id was applied once: the balances are the funding plus each first transfer, exactly once.
    expected = dict.fromkeys(wallets, FUNDING_MINOR)
    for plan in first:
        expected[plan.source] -= plan.minor
        expected[plan.target] += plan.minor
    balances = {wallet: finance.balance(account_id=wallet) for wallet in wallets}
    assert {wallet: view.posted.minor for wallet, view in balances.items()} == expected
    assert sum(expected.values()) == ACCOUNTS * FUNDING_MINOR  # conservation among the wallets
    assert all(view.posted.minor >= 0 and view.available.minor >= 0 for view in balances.values())
    # Refused transfers left nothing behind.
    assert all(finance.transfer_get(transfer_id=plan.transfer_id) is None for own in refused for plan in own)
    assert Counter(plan.transfer_id for plan in first).most_common(1)[0][1] == 1
    report = finance.reconcile()
    assert report.is_clean, report
