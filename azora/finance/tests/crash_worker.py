"""A child process for the crash test: prepares wallets, writes batches of transfers until it is killed, verifies.

Run as `python -m azora.finance.tests.crash_worker <mode> <state.json>` with DJANGO_SETTINGS_MODULE and the
database of the test in the environment. Modes:
- `prepare`: creates the wallets, funds them from the treasury, writes their ids to the state file;
- `batches`: forever, one `transaction.atomic()` per batch of BATCH_SIZE transfers with deterministic ids,
  printing `wrote <batch> <index>` after each transfer and `committed <batch>` after each commit (flushed,
  so the parent can kill it while a batch is half written);
- `verify`: prints, as one JSON line, the reconcile verdict, every wallet's balance and which transfers of
  the first `verify_batches` batches (a number the parent adds to the state file) exist.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

BATCH_SIZE = 5
WALLETS = 4
FUNDING_MINOR = 100_000
NAMESPACE = uuid.UUID("5b0f3f4e-6a55-4c59-9a3e-0c3a1f0f6e01")
# Far more batches than a test lets it write before the kill; `verify` looks for all of them.
MAX_BATCHES = 400


def say(line: str) -> None:
    """One line to the parent, at once (it reads our stdout line by line while we run)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def transfer_id(run: str, batch: int, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{run}:{batch}:{index}")


def amount_minor(batch: int, index: int) -> int:
    return 1 + (batch * BATCH_SIZE + index) % 97


def route(wallets: list[str], batch: int, index: int) -> tuple[str, str]:
    """A fixed ring of transfers, so the expected balances follow from the committed batches alone."""
    source = (batch + index) % len(wallets)
    return wallets[source], wallets[(source + 1) % len(wallets)]


def prepare(state: Path) -> None:
    from azora.accounts.tests.factories import UserFactory
    from azora.finance import public as finance
    from azora.shared.ids import uuid7
    from azora.shared.money import Money

    treasury = finance.platform_account(code="treasury", currency="AZR")
    wallets = []
    for _ in range(WALLETS):
        wallet = finance.user_wallet(user_id=UserFactory().id)
        funding = Money(FUNDING_MINOR, "AZR")
        finance.transfer_post(
            transfer_id=uuid7(),
            kind="crash_test_funding",
            reason="Crash test funding",
            reference="crash-test",
            postings=[
                finance.Posting(account_id=treasury.id, side="debit", amount=funding),
                finance.Posting(account_id=wallet.id, side="credit", amount=funding),
            ],
        )
        wallets.append(str(wallet.id))
    state.write_text(json.dumps({"run": uuid7().hex, "wallets": wallets}))


def batches(state: Path) -> None:
    from django.db import transaction

    from azora.finance import public as finance
    from azora.shared.money import Money

    data = json.loads(state.read_text())
    for batch in range(MAX_BATCHES):
        with transaction.atomic():
            for index in range(BATCH_SIZE):
                source, target = route(data["wallets"], batch, index)
                amount = Money(amount_minor(batch, index), "AZR")
                finance.transfer_post(
                    transfer_id=transfer_id(data["run"], batch, index),
                    kind="crash_test",
                    reason="Crash test transfer",
                    reference=f"crash-test:{batch}:{index}",
                    postings=[
                        finance.Posting(account_id=uuid.UUID(source), side="debit", amount=amount),
                        finance.Posting(account_id=uuid.UUID(target), side="credit", amount=amount),
                    ],
                )
                say(f"wrote {batch} {index}")
                # Widens the window in which a batch is written but not committed, so the parent's kill
                # after "wrote <batch> 2" lands inside the transaction even on a busy machine.
                time.sleep(0.3 if index == 2 else 0.01)
        say(f"committed {batch}")


def verify(state: Path) -> None:
    from azora.finance import public as finance

    data = json.loads(state.read_text())
    report = finance.reconcile()
    existing = [
        [batch, index]
        for batch in range(min(MAX_BATCHES, int(data["verify_batches"])))
        for index in range(BATCH_SIZE)
        if finance.transfer_get(transfer_id=transfer_id(data["run"], batch, index)) is not None
    ]
    balances = {wallet: finance.balance(account_id=uuid.UUID(wallet)).posted.minor for wallet in data["wallets"]}
    verdict = {"is_clean": report.is_clean, "report": repr(report), "existing": existing, "balances": balances}
    say("VERIFY " + json.dumps(verdict))


def main() -> int:
    import django

    django.setup()
    mode, state = sys.argv[1], Path(sys.argv[2])
    if mode == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return 0
    {"prepare": prepare, "batches": batches, "verify": verify}[mode](state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
