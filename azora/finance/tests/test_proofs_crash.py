"""Proof: a process killed with SIGKILL in the middle of a batch of transfers leaves no partial transaction behind.

A child process (crash_worker.py) writes batches of five transfers, each batch in one database transaction,
and is killed while a batch is half written. Afterwards every committed batch is there whole, the killed
batch left no trace, the wallets hold exactly what the committed batches say, and the reconcile is clean.
On PostgreSQL the child writes to the test database (committed, so this test runs with transaction=True);
on SQLite (WAL) to a database file of its own, migrated first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from azora.finance.tests import crash_worker

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
# The batch the child is killed in: late enough that several batches committed before it.
KILL_IN_BATCH = 4
TIMEOUT = 120


def _child_environment(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1"}
    if connection.vendor == "postgresql":
        database = connection.settings_dict
        environment["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        )
    else:
        environment.pop("DATABASE_URL", None)
        environment["AZORA_DATA_DIR"] = str(tmp_path)
    return environment


def _child(mode: str, state: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(  # noqa: S603  # our own worker module, fixed arguments
        [sys.executable, "-m", "azora.finance.tests.crash_worker", mode, str(state)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def _lines(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    for line in process.stdout:
        yield line.strip()


def _expected_balances(state: dict[str, Any], committed: int) -> dict[str, int]:
    balances = dict.fromkeys(state["wallets"], crash_worker.FUNDING_MINOR)
    for batch in range(committed):
        for index in range(crash_worker.BATCH_SIZE):
            source, target = crash_worker.route(state["wallets"], batch, index)
            amount = crash_worker.amount_minor(batch, index)
            balances[source] -= amount
            balances[target] += amount
    return balances


def test_a_process_killed_mid_batch_leaves_whole_batches_and_a_clean_ledger(tmp_path: Path) -> None:
    if connection.vendor not in {"postgresql", "sqlite"}:
        pytest.skip(f"not written for {connection.vendor}")
    assert settings.AZORA_MODE == "test"
    environment = _child_environment(tmp_path)
    state_path = tmp_path / "state.json"
    if connection.vendor == "sqlite":
        _child("migrate", state_path, environment)
    _child("prepare", state_path, environment)

    committed = -1
    killed_in: tuple[int, int] | None = None
    with subprocess.Popen(  # noqa: S603  # our own worker module, fixed arguments
        [sys.executable, "-m", "azora.finance.tests.crash_worker", "batches", str(state_path)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:  # fmt: skip
        try:
            for line in _lines(process):
                word, *numbers = line.split()
                if word == "committed":
                    committed = int(numbers[0])
                elif word == "wrote" and int(numbers[0]) == KILL_IN_BATCH and int(numbers[1]) == 2:
                    process.send_signal(signal.SIGKILL)
                    killed_in = (int(numbers[0]), int(numbers[1]))
                    break
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=TIMEOUT)
        errors = process.stderr.read() if process.stderr else ""
    assert killed_in == (KILL_IN_BATCH, 2), errors[-3000:]
    assert process.returncode == -signal.SIGKILL
    assert committed == KILL_IN_BATCH - 1

    state = json.loads(state_path.read_text())
    state_path.write_text(json.dumps({**state, "verify_batches": KILL_IN_BATCH + 2}))
    output = _child("verify", state_path, environment).stdout
    verified = json.loads(next(line for line in output.splitlines() if line.startswith("VERIFY ")).split(" ", 1)[1])

    whole_batches = [
        [batch, index] for batch in range(KILL_IN_BATCH) for index in range(crash_worker.BATCH_SIZE)
    ]  # fmt: skip
    assert verified["existing"] == whole_batches  # nothing of the killed batch, nothing after it
    assert verified["balances"] == _expected_balances(state, KILL_IN_BATCH)
    assert verified["is_clean"], verified["report"]
