"""The money benchmark: ledger transfers per second on PostgreSQL, beside pgbench's TPC-B-like script in the same run.

Run it with `./dev bench --scenario money` (options: `./dev bench --scenario money --help`). It is not a test: it
prints figures and the targets of the money issue (PASS/MISS), and writes a JSON result to bench/results/.

What one run does, at the same number of concurrent clients (16 by default) throughout:
1. pgbench: `pgbench -i` on a scratch database (scale = clients, so that TPC-B's branch rows are not one hot
   row), then its built-in TPC-B-like script (three balance updates, a select and a history insert per
   transaction) for the measured duration, with per-transaction latencies logged; the baseline;
2. recreates the Azora scratch database, migrates it in production settings, creates the users and funds
   their AZR wallets from the treasury;
3. the service function, `azora.finance.public.transfer_post` with a two-posting transfer between two random
   wallets, as fast as it can: first one client, sequentially, timed with CPU time (and its SQL statements
   counted); then one process per client (forked after set-up, each with its own PostgreSQL connection, as
   pgbench's clients are: the figure held to the target); then one thread per client in one process (each
   thread with its own connection; it measures the interpreter's lock as much as the ledger);
4. the HTTP API: `azora serve` (WSGI, as bench/run.py starts it), one signed-in user per client sending
   `POST /api/v1/transfers` (a peer transfer with its fee, with an Idempotency-Key) to a random other user,
   over keep-alive connections;
5. the confirm of a sandbox PaymentIntent (`azora.payments.public`, card 4242...), sequentially;
6. `azora.finance.public.reconcile()` over everything the run wrote, and its verdict;
7. always drops the scratch databases, even when a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import redis
import run
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TRANSFERS = "/api/v1/transfers"
# The money issue's targets.
TARGET_SERVICE_RATIO = 0.35
TARGET_CONFIRM_P95_MS = 40.0
# Every benchmark wallet starts with this much AZR from the treasury; transfers move 0.01-1.00 AZR.
FUNDING_MINOR = 1_000_000
PASSWORD_ENV = "AZORA_BENCH_PASSWORD"  # noqa: S105  # the name of a variable, not a password


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench --scenario money", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients everywhere (default: 16)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per step (default: 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of discarded warm-up (default: 3)")
    parser.add_argument("--accounts", type=int, default=100, help="AZR wallets transfers move between (default: 100)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes for the API (default: 2)")
    parser.add_argument("--confirms", type=int, default=200, help="sequential PaymentIntent confirms (default: 200)")
    parser.add_argument(
        "--service-mode",
        choices=("processes", "threads", "both"),
        default="both",
        help="service clients as processes (one connection each; the figure held to the target), as threads of "
        "one process (bounded by its GIL), or both (default)",
    )
    parser.add_argument(
        "--unprepared",
        action="store_true",
        help="run Azora with AZORA_DB_PREPARED_STATEMENTS=0 (the ledger's statements parsed and planned on every "
        "call, as before ADR 0024), to compare with a default run",
    )
    parser.add_argument(
        "--cpu-transfers",
        type=int,
        default=500,
        help="sequential transfers timed with CPU time (default: 500)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("AZORA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env AZORA_BENCH_POSTGRES)",
    )
    parser.add_argument("--database", default="azora_bench_money", help="Azora scratch database, dropped after")
    parser.add_argument("--pgbench-database", default="azora_bench_pgbench", help="pgbench scratch database")
    parser.add_argument(
        "--redis",
        default=os.environ.get("AZORA_BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        help="Redis URL; its database is flushed before and after (env AZORA_BENCH_REDIS)",
    )
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: pgbench, cpu, service, api, confirm")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    # Only for the worker subprocess (one measured step inside Django); not for people.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.skipped = {name.strip() for name in args.skip.split(",") if name.strip()}
    # What bench/run.py's helpers read from their own options.
    args.settings = "config.settings.production"
    args.blocking_threads = None
    args.backpressure = None
    if args.clients < 1 or args.accounts < 2:
        parser.error("--clients must be at least 1 and --accounts at least 2")
    return args


# --- Latencies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What one fixed-duration step measured (latencies in milliseconds)."""

    clients: int
    duration_s: float
    transactions: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def figures(latencies_ms: list[float], *, clients: int, duration_s: float, errors: int = 0) -> Figures:
    ordered = sorted(latencies_ms) or [0.0]
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return Figures(
        clients=clients,
        duration_s=round(duration_s, 3),
        transactions=len(latencies_ms),
        per_second=round(len(latencies_ms) / duration_s, 1) if duration_s > 0 else 0.0,
        p50_ms=round(cuts[49], 3),
        p95_ms=round(cuts[94], 3),
        p99_ms=round(cuts[98], 3),
        max_ms=round(ordered[-1], 3),
        errors=errors,
    )


def run_clients(clients: int, seconds: float, make_client: Any) -> tuple[list[float], int, float]:
    """Runs `clients` threads for `seconds`; each calls `make_client(index)` once for a `step()` callable.

    Returns every step's latency (ms), the number of failed steps and the measured wall time.
    """
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    box: dict[str, float] = {}

    def work(index: int) -> None:
        step, finish = make_client(index)
        try:
            start.wait()
            deadline = box["deadline"]
            while (began := time.perf_counter()) < deadline:
                try:
                    step()
                except Exception as error:  # counted and shown once; the run goes on
                    errors[index] += 1
                    if errors[index] == 1:
                        print(f"bench: client {index}: {type(error).__name__}: {str(error)[:300]}", file=sys.stderr)
                    continue
                latencies[index].append((time.perf_counter() - began) * 1000)
        finally:
            finish()

    threads = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    box["deadline"] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return [value for own in latencies for value in own], sum(errors), elapsed


# --- pgbench, the baseline -----------------------------------------------------------------------


def database_recreate(args: argparse.Namespace, name: str) -> str:
    with psycopg.connect(run.database_url(args, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = connection.execute("SHOW server_version").fetchone()
    return str(version[0]) if version else ""


def database_drop(args: argparse.Namespace, name: str) -> None:
    with psycopg.connect(run.database_url(args, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def pgbench(args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    """pgbench's built-in TPC-B-like script at the same concurrency, latencies from its per-transaction log."""
    url = run.database_url(args, args.pgbench_database)
    database_recreate(args, args.pgbench_database)
    scale = max(1, args.clients)
    subprocess.run(["pgbench", "-i", "-q", "-s", str(scale), url], check=True, capture_output=True, text=True)
    common = ["pgbench", "-c", str(args.clients), "-j", str(min(args.clients, os.cpu_count() or 1)), "-n"]
    if args.warmup > 0:
        subprocess.run([*common, "-T", str(max(1, round(args.warmup))), url], check=True, capture_output=True)
    prefix = log_dir / "pgbench"
    completed = subprocess.run(
        [*common, "-T", str(max(1, round(args.duration))), "-l", "--log-prefix", str(prefix), url],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", completed.stdout)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{completed.stdout}\n{completed.stderr}")
    latencies: list[float] = []
    for log in log_dir.glob("pgbench.*"):
        for line in log.read_text().splitlines():
            fields = line.split()  # client_id transaction_no time_us script_no time_epoch time_us_part
            if len(fields) >= 3 and fields[2].isdigit():
                latencies.append(int(fields[2]) / 1000)
    result = figures(latencies, clients=args.clients, duration_s=args.duration).as_dict()
    # pgbench's own rate (it excludes connection set-up) is the fairer figure; the log gives the latencies.
    result["per_second"] = round(float(match.group(1)), 1)
    result["scale"] = scale
    return result


# --- The Azora side: a worker process inside Django ----------------------------------------------


def worker(args: argparse.Namespace, environment: dict[str, str], task: str, payload: dict[str, Any]) -> Any:
    """Runs one step in a fresh process with Django set up (production settings), returning its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payload, handle)
    try:
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--worker-input", handle.name,
             "--clients", str(args.clients), "--duration", str(args.duration), "--warmup", str(args.warmup),
             "--accounts", str(args.accounts), "--confirms", str(args.confirms),
             "--service-mode", args.service_mode,
             "--cpu-transfers", str(args.cpu_transfers)],
            cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if completed.stderr.strip():
        print(completed.stderr.rstrip(), file=sys.stderr)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("AZORA_MONEY ")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"worker {task} failed ({completed.returncode}):\n{completed.stdout[-3000:]}")
    return json.loads(lines[-1].removeprefix("AZORA_MONEY "))


def worker_main(args: argparse.Namespace) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    payload = json.loads(Path(args.worker_input).read_text()) if args.worker_input else {}
    tasks = {
        "setup": task_setup,
        "service": task_service,
        "service_processes": task_service_processes,
        "cpu": task_cpu,
        "confirm": task_confirm,
        "reconcile": task_reconcile,
    }
    answer = tasks[args.worker](args, payload)
    print("AZORA_MONEY " + json.dumps(answer, default=str), flush=True)
    return 0


def task_setup(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """Users (the first `clients` can sign in), their AZR wallets, each funded from the treasury."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from azora.finance import public as finance
    from azora.shared.ids import uuid7
    from azora.shared.money import Money

    password_hash = make_password(os.environ[PASSWORD_ENV])
    model = get_user_model()
    users = []
    for index in range(args.accounts):
        user = model(email=f"bench{index}@example.com", display_name=f"Bench {index}")
        user.password = password_hash if index < args.clients else "!"  # "!" is Django's unusable password
        users.append(user)
    model.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users]
    )
    treasury = finance.platform_account(code="treasury", currency="AZR")
    wallets = []
    for user in users:
        wallet = finance.user_wallet(user_id=user.pk)
        finance.transfer_post(
            transfer_id=uuid7(),
            kind="bench_funding",
            reason="Benchmark funding",
            reference=f"bench:{user.pk}",
            postings=[
                finance.Posting(account_id=treasury.id, side="debit", amount=Money(FUNDING_MINOR, "AZR")),
                finance.Posting(account_id=wallet.id, side="credit", amount=Money(FUNDING_MINOR, "AZR")),
            ],
        )
        wallets.append(str(wallet.id))
    return {"users": [{"id": str(user.pk), "email": user.email} for user in users], "wallets": wallets}


def task_service(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """`transfer_post` from one thread per client in one process, each thread with its own connection."""
    import uuid

    from django.db import connections

    wallets = [uuid.UUID(value) for value in payload["wallets"]]

    def make_client(index: int) -> tuple[Any, Any]:
        return _transfer_step(wallets, index), connections.close_all

    if args.warmup > 0:
        run_clients(args.clients, args.warmup, make_client)
    latencies, errors, elapsed = run_clients(args.clients, args.duration, make_client)
    result = figures(latencies, clients=args.clients, duration_s=elapsed, errors=errors).as_dict()
    result["mode"] = "threads"
    return result


def _transfer_step(wallets: list[Any], seed: int) -> Any:
    """A client's step: one two-posting `transfer_post` between two random wallets."""
    import random

    from azora.finance import public as finance
    from azora.shared.ids import uuid7
    from azora.shared.money import Money

    chooser = random.Random(seed)

    def step() -> None:
        source, target = chooser.sample(wallets, 2)
        amount = Money(chooser.randint(1, 100), "AZR")
        finance.transfer_post(
            transfer_id=uuid7(),
            kind="bench",
            reason="Benchmark transfer",
            reference="bench",
            postings=[
                finance.Posting(account_id=source, side="debit", amount=amount),
                finance.Posting(account_id=target, side="credit", amount=amount),
            ],
        )

    return step


def backend_cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) of a PostgreSQL backend process, when the server runs on this machine (/proc)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12 here.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_client(index: int, wallets: list[Any], warmup: float, duration: float, barrier: Any, results: Any) -> None:
    """One service client in its own process (forked after Django's set-up), with its own connection."""
    from django.db import connection, connections

    step = _transfer_step(wallets, index)
    latencies: list[float] = []
    errors = 0
    try:
        step()  # connects, and warms the caches, before the clock starts
        backend = connection.connection.info.backend_pid if connection.connection is not None else None
        barrier.wait()
        began = time.perf_counter()
        warm_until, deadline = began + warmup, began + warmup + duration
        cpu_began = cpu_ended = time.process_time()
        server_began = backend_cpu_seconds(backend)
        measuring = False
        while (now := time.perf_counter()) < deadline:
            if not measuring and now >= warm_until:
                measuring, cpu_began = True, time.process_time()
                server_began = backend_cpu_seconds(backend)
            try:
                step()
            except Exception as error:  # counted and shown once; the run goes on
                errors += measuring
                if errors == 1:
                    print(f"bench: client {index}: {type(error).__name__}: {str(error)[:300]}", file=sys.stderr)
                continue
            if measuring:
                latencies.append((time.perf_counter() - now) * 1000)
        cpu_ended = time.process_time()
        server_ended = backend_cpu_seconds(backend)
        server = None if server_began is None or server_ended is None else server_ended - server_began
        results.put((index, latencies, errors, cpu_ended - cpu_began, server))
    except Exception as error:
        results.put((index, [], -1, 0.0, None))
        print(f"bench: client {index} failed: {type(error).__name__}: {error}", file=sys.stderr)
        barrier.abort()
    finally:
        connections.close_all()


def task_service_processes(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """`transfer_post` from one process per client (forked after set-up), each with its own connection."""
    import multiprocessing
    import uuid

    from django.db import connections

    wallets = [uuid.UUID(value) for value in payload["wallets"]]
    connections.close_all()  # no connection is shared across the fork
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.clients + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=_process_client, args=(index, wallets, args.warmup, args.duration, barrier, results), daemon=True
        )
        for index in range(args.clients)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    began = time.perf_counter()
    answers = [results.get(timeout=args.warmup + args.duration + 120) for _ in processes]
    elapsed = time.perf_counter() - began - args.warmup
    for process in processes:
        process.join(timeout=30)
    if any(errors < 0 for _, _, errors, _, _ in answers):
        raise RuntimeError("a service client process failed before the run")
    latencies = [value for _, own, _, _, _ in answers for value in own]
    cpu_seconds = sum(cpu for _, _, _, cpu, _ in answers)
    server_seconds = [server for *_, server in answers]
    result = figures(
        latencies, clients=args.clients, duration_s=max(elapsed, args.duration), errors=sum(a[2] for a in answers)
    ).as_dict()
    result["mode"] = "processes"
    result["client_cpu_ms_per_transfer"] = round(cpu_seconds * 1000 / max(len(latencies), 1), 3)
    if all(server is not None for server in server_seconds):
        # The clients' own backends only: not the WAL writer, checkpointer, or other databases' sessions.
        total = sum(server for server in server_seconds if server is not None)
        result["backend_cpu_ms_per_transfer"] = round(total * 1000 / max(len(latencies), 1), 3)
    return result


def task_cpu(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """One client, sequential, in-process: CPU time (process_time) and SQL statements per transfer."""
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from azora.shared.testing.queries import statement_kinds

    wallets = [uuid.UUID(value) for value in payload["wallets"]]
    step = _transfer_step(wallets, 4242)
    for _ in range(50):
        step()
    with CaptureQueriesContext(connection) as captured:
        step()
    statements = statement_kinds(captured)
    count = max(args.cpu_transfers, 1)
    cpu_began, wall_began = time.process_time(), time.perf_counter()
    for _ in range(count):
        step()
    cpu = time.process_time() - cpu_began
    wall = time.perf_counter() - wall_began
    return {
        "transfers": count,
        "cpu_ms_per_transfer": round(cpu * 1000 / count, 3),
        "wall_ms_per_transfer": round(wall * 1000 / count, 3),
        "statements_per_transfer": len(statements),
        "statements": statements,
    }


def task_confirm(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """Sequential create + confirm of sandbox ZAR wallet top-ups (card 4242...); only the confirm is timed."""
    import uuid

    try:
        payments = importlib.import_module("azora.payments.public")
    except ImportError as error:
        return {"skipped": f"azora.payments.public is not available yet ({error})"}
    if not hasattr(payments, "payment_intent_confirm"):
        return {"skipped": "azora.payments.public has no payment_intent_confirm yet"}
    from azora.shared.money import Money

    customer = uuid.UUID(payload["customer_id"])
    card = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
    timings: list[float] = []
    statuses: dict[str, int] = {}
    for _ in range(args.confirms + 10):  # the first 10 warm up
        intent = payments.payment_intent_create(
            customer_id=customer, amount=Money(1000, "ZAR"), purpose="wallet_top_up", description="Benchmark top-up"
        )
        began = time.perf_counter()
        confirmed = payments.payment_intent_confirm(intent_id=intent.id, customer_id=customer, payment_method=card)
        timings.append((time.perf_counter() - began) * 1000)
        statuses[confirmed.status] = statuses.get(confirmed.status, 0) + 1
    measured = timings[10:]
    result = figures(measured, clients=1, duration_s=sum(measured) / 1000).as_dict()
    result["statuses"] = statuses
    return result


def task_reconcile(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    from azora.finance import public as finance

    began = time.perf_counter()
    report = finance.reconcile()
    elapsed = (time.perf_counter() - began) * 1000
    fields = {name: value for name, value in vars_of(report).items() if name != "is_clean"}
    return {"is_clean": bool(report.is_clean), "ms": round(elapsed, 1), "report": fields}


def vars_of(value: Any) -> dict[str, Any]:
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return dict(getattr(value, "__dict__", {}))


# --- The HTTP API --------------------------------------------------------------------------------


def api_transfers(args: argparse.Namespace, port: int, users: list[dict[str, str]], password: str) -> dict[str, Any]:
    """One signed-in user per client, each on its own keep-alive connection, sending to random users."""
    import random

    tokens = [run.login(port, users[index]["email"], password) for index in range(args.clients)]
    recipients = [user["id"] for user in users]
    # Checked once before the clock starts, so that a broken endpoint fails loudly rather than as "errors".
    status, body = run.request(
        port, "POST", TRANSFERS, body={"to_user": recipients[-1], "amount": "0.01", "currency": "AZR"},
        headers={"Authorization": f"Bearer {tokens[0]}"},
    )  # fmt: skip
    if status != 201:
        raise RuntimeError(f"POST {TRANSFERS} answered {status}, not 201: {body[:500]!r}")

    def make_client(index: int) -> tuple[Any, Any]:
        chooser = random.Random(1000 + index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        own = users[index]["id"]

        def step() -> None:
            target = chooser.choice(recipients)
            while target == own:
                target = chooser.choice(recipients)
            amount = f"0.{chooser.randint(1, 99):02d}"
            status, body = run.request(
                port, "POST", TRANSFERS, body={"to_user": target, "amount": amount, "currency": "AZR"},
                headers={**headers, "Idempotency-Key": secrets.token_hex(16)}, connection=connection,
            )  # fmt: skip
            if status != 201:
                raise RuntimeError(f"answered {status}: {body[:300]!r}")

        return step, connection.close

    if args.warmup > 0:
        run_clients(args.clients, args.warmup, make_client)
    latencies, errors, elapsed = run_clients(args.clients, args.duration, make_client)
    return figures(latencies, clients=args.clients, duration_s=elapsed, errors=errors).as_dict()


# --- The run -------------------------------------------------------------------------------------


def report(args: argparse.Namespace, info: dict[str, Any], steps: dict[str, Any]) -> str:
    machine = info["machine"]
    lines = [
        "",
        f"Azora money benchmark  {info['date']}  commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {info.get('postgresql', '?')}; load average before the run: "
        f"{' '.join(map(str, machine['load_average_before']))}",
        f"{args.clients} concurrent clients, {args.duration:g} s per step after {args.warmup:g} s warm-up, "
        f"{args.accounts} AZR wallets; clients, server and PostgreSQL share the same CPUs; the ledger's statements "
        + ("parsed and planned on every call (--unprepared)" if args.unprepared else "prepared (ADR 0024)"),
        "",
        f"{'':<34}{'per second':>12}{'P50 ms':>10}{'P95 ms':>10}{'P99 ms':>10}{'count':>10}{'errors':>8}",
    ]
    titles = {
        "pgbench": "pgbench TPC-B-like (baseline)",
        "service": f"transfer_post, {args.clients} processes",
        "service_threads": f"transfer_post, {args.clients} threads",
        "api": f"POST {TRANSFERS} (HTTP)",
    }
    for name, title in titles.items():
        step = steps.get(name)
        if step is None:
            continue
        if "error" in step or "skipped" in step:
            lines.append(f"{title:<34}{step.get('error') or step.get('skipped')}")
            continue
        lines.append(
            f"{title:<34}{step['per_second']:>12,.1f}{step['p50_ms']:>10.2f}{step['p95_ms']:>10.2f}"
            f"{step['p99_ms']:>10.2f}{step['transactions']:>10,}{step['errors']:>8}"
        )
    lines.append("")
    baseline = steps.get("pgbench", {}).get("per_second")
    for name, label in (
        ("service", "service function (processes)"),
        ("service_threads", "service function (threads of one process)"),
        ("api", "HTTP API"),
    ):
        measured = steps.get(name, {}).get("per_second")
        if baseline and measured:
            ratio = measured / baseline
            verdict = ""
            if name == "service":
                verdict = f"  target >= {TARGET_SERVICE_RATIO * 100:.0f} %: " + (
                    "PASS" if ratio >= TARGET_SERVICE_RATIO else "MISS"
                )
            lines.append(f"{label} / pgbench: {ratio * 100:.1f} %{verdict}")
    if "client_cpu_ms_per_transfer" in steps.get("service", {}):
        lines.append(
            f"service clients' CPU under load: {steps['service']['client_cpu_ms_per_transfer']:.2f} ms per transfer"
        )
    if "backend_cpu_ms_per_transfer" in steps.get("service", {}):
        lines.append(
            f"their PostgreSQL backends' CPU under load: {steps['service']['backend_cpu_ms_per_transfer']:.2f} ms per "
            "transfer (the clients' own sessions, from /proc)"
        )
    cpu = steps.get("cpu", {})
    if "cpu_ms_per_transfer" in cpu:
        lines.append(
            f"one client, sequential, in-process ({cpu['transfers']} transfers): {cpu['cpu_ms_per_transfer']:.2f} ms "
            f"CPU and {cpu['wall_ms_per_transfer']:.2f} ms wall per transfer; {cpu['statements_per_transfer']} "
            f"SQL statements ({' '.join(cpu['statements'])})"
        )
    confirm = steps.get("confirm", {})
    if "p95_ms" in confirm:
        verdict = "PASS" if confirm["p95_ms"] < TARGET_CONFIRM_P95_MS else "MISS"
        lines.append(
            f"PaymentIntent confirm (sandbox, {confirm['transactions']} sequential): P50 {confirm['p50_ms']:.2f} ms, "
            f"P95 {confirm['p95_ms']:.2f} ms; target P95 < {TARGET_CONFIRM_P95_MS:g} ms: {verdict}; "
            f"outcomes {confirm.get('statuses')}"
        )
    else:
        lines.append(f"PaymentIntent confirm: not measured: {confirm.get('skipped') or confirm.get('error') or '-'}")
    reconcile = steps.get("reconcile", {})
    if "is_clean" in reconcile:
        verdict = "clean" if reconcile["is_clean"] else f"NOT CLEAN: {json.dumps(reconcile['report'], default=str)}"
        lines.append(f"reconcile after the run ({reconcile['ms']:.0f} ms): {verdict}")
    else:
        lines.append(f"reconcile: FAILED: {reconcile.get('error', 'not run')}")
    return "\n".join(lines)


def step(steps: dict[str, Any], name: str, action: Any) -> None:
    """Runs one measured step; its failure is recorded and shown, and the next steps still run."""
    print(f"bench: money: {name}", flush=True)
    try:
        steps[name] = action()
    except (RuntimeError, OSError, psycopg.Error, subprocess.SubprocessError, http.client.HTTPException) as error:
        detail = getattr(error, "stderr", None) or str(error)
        steps[name] = {"error": str(detail)[:2000]}
        print(f"bench: money: {name} failed: {str(detail)[:2000]}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if args.worker:
        return worker_main(args)
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "scenario": "money",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "settings": {
            "clients": args.clients,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "accounts": args.accounts,
            "workers": args.workers,
            "prepared_statements": not args.unprepared,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    password = secrets.token_urlsafe(24)
    steps: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-money-") as data_dir:
        try:
            if "pgbench" not in args.skipped:
                step(steps, "pgbench", lambda: pgbench(args, Path(data_dir)))
            info["postgresql"] = database_recreate(args, args.database)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            environment = {**run.production_environment(args, data_dir), PASSWORD_ENV: password}
            if args.unprepared:
                environment["AZORA_DB_PREPARED_STATEMENTS"] = "0"
            # The service step's threads each hold their own connection, as the issue asks (no pool).
            worker_environment = {**environment, "AZORA_DB_POOL": "0"}
            print(f"bench: money: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            made = worker(args, worker_environment, "setup", {})
            if "cpu" not in args.skipped:
                step(steps, "cpu", lambda: worker(args, worker_environment, "cpu", made))
            if "service" not in args.skipped and args.service_mode in ("processes", "both"):
                step(steps, "service", lambda: worker(args, worker_environment, "service_processes", made))
            if "service" not in args.skipped and args.service_mode in ("threads", "both"):
                step(steps, "service_threads", lambda: worker(args, worker_environment, "service", made))
            if "api" not in args.skipped:
                step(steps, "api", lambda: measure_api(args, environment, made, password, stamp))
            if "confirm" not in args.skipped:
                customer = {"customer_id": made["users"][0]["id"]}
                step(steps, "confirm", lambda: worker(args, worker_environment, "confirm", customer))
            step(steps, "reconcile", lambda: worker(args, worker_environment, "reconcile", {}))
        except (RuntimeError, OSError, psycopg.Error, redis.RedisError, subprocess.SubprocessError) as error:
            print(f"bench: money: failed: {error}", file=sys.stderr)
            return 2
        finally:
            for name in (args.database, args.pgbench_database):
                with contextlib.suppress(psycopg.Error):
                    database_drop(args, name)
            with contextlib.suppress(redis.RedisError):
                run.redis_flush(args.redis)
    print(report(args, info, steps))
    path = RESULTS / f"{stamp}-money.json"
    path.write_text(json.dumps({**info, "steps": steps}, indent=2, default=str) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    failed = any("error" in value for value in steps.values())
    if failed:
        return 2
    missed = not steps.get("reconcile", {}).get("is_clean", False)
    if "service" in steps and "pgbench" in steps:
        missed |= steps["service"]["per_second"] < TARGET_SERVICE_RATIO * steps["pgbench"]["per_second"]
    if "p95_ms" in steps.get("confirm", {}):
        missed |= steps["confirm"]["p95_ms"] >= TARGET_CONFIRM_P95_MS
    return 1 if (args.strict and missed) else 0


def measure_api(
    args: argparse.Namespace, environment: dict[str, str], made: dict[str, Any], password: str, stamp: str
) -> dict[str, Any]:
    log = RESULTS / f"{stamp}-money-server.log"
    with run.server(environment, interface="wsgi", workers=args.workers, log=log) as running:
        return api_transfers(args, running.port, made["users"], password)


if __name__ == "__main__":
    sys.exit(main())
