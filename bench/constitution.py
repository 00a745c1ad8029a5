"""The constitution benchmark: the rule checks on a 1,000-character text, and the decisions audit's write path.

Run it with `.venv/bin/python bench/constitution.py` (PostgreSQL on 127.0.0.1 as `postgres`; `--help` for options).
It is not a test: it prints figures beside baselines measured in the same run.

What one run does:
1. creates a scratch database (`azora_bench_con`), migrates it (test settings), and points Django at it;
2. rule checks: `rails.engine.evaluate` on a 1,000-character safe teaching answer and on the same text with an
   email address in it, beside the baseline of one compiled regex scan of the same text (the cheapest check there
   is);
3. audit writes at 1, 8 and 32 concurrent writers (threads, one connection each), three ways:
   - baseline: a plain INSERT of the same record, unchained (what an audit without tamper evidence costs);
   - `decision_record` as shipped: written unsealed, sealed in the same transaction when the chain head is free
     (`SKIP LOCKED`), otherwise left to the holder or the next writer (ADR 0015);
   - the rejected design: lock the chain head (waiting) for every write, then insert and seal;
   then seals what is pending and verifies the chain;
4. drops the scratch database (unless `--keep`).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "azora_bench_con"
TEXT = (
    2
    * (
        "A budget is a plan for your money: it lists what comes in and what goes out each month, so you can see where "
        "it goes and decide what matters. Start with your income after tax. Then list fixed costs such as rent, "
        "transport and school fees, and variable costs such as food and airtime. The 50/30/20 rule is one simple "
        "guide: about half for needs, a third for wants and a fifth for saving or paying off debt. Review it every "
        "month, because prices and plans change. Saving a little each month adds up, and an emergency fund of three "
        "months of costs protects you when something unexpected happens. Interest is the price of borrowing money, so "
        "pay off the most expensive debt first. Ask your lecturer which tools the course recommends for tracking. "
    )
)[:1000]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def admin_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + f"/{name}"


def prepare(base_url: str) -> str:
    url = admin_url(base_url, DATABASE)
    with psycopg.connect(admin_url(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(  # our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    return url


def drop(base_url: str) -> None:
    with psycopg.connect(admin_url(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--writes", type=int, default=30, help="records per writer and design")
    parser.add_argument("--writers", default="1,8,32")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args()

    url = prepare(options.postgres)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    try:
        run_benchmark(options)
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            drop(options.postgres)


def run_benchmark(options: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from azora.constitution import selectors, services
    from azora.constitution.models import DecisionRecord
    from azora.constitution.policy import decide
    from azora.constitution.rails.engine import evaluate

    # --- rule checks ---
    email = TEXT[:500] + " Write to jane.doe@example.com. " + TEXT[500:968]
    scan = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    for _ in range(50):  # warm-up: compiled patterns, the profanity model
        evaluate(TEXT, role="output", profile="STANDARD")
    print(f"Rule checks on {len(TEXT)} characters (in process, {os.cpu_count()} CPUs)")
    for label, rule_samples in (
        ("baseline: one regex scan", timed(lambda: scan.findall(TEXT), 1000)),
        ("evaluate(output), safe answer", timed(lambda: evaluate(TEXT, role="output", profile="STANDARD"), 1000)),
        ("evaluate(input), with an email", timed(lambda: evaluate(email, role="input", profile="STANDARD"), 1000)),
    ):
        p50, p95 = percentiles(rule_samples)
        print(f"  {label:34} P50 {p50:7.3f} ms   P95 {p95:7.3f} ms")

    # --- audit writes ---
    decision = decide([], role="input", profile="STANDARD")

    def entry(n: int) -> services.AuditEntry:
        return services.AuditEntry(
            surface="api", user_id=None, organisation_id=None, request_id=f"bench-{n}", purpose="bench",
            input_text=TEXT, output_text=TEXT, stored_input="", stored_output="", latency_us=1,
        )  # fmt: skip

    def plain_insert(n: int) -> None:
        DecisionRecord.objects.create(
            role="input", profile="STANDARD", surface="api", action="allow", score=100, passed=True,
            would_block=False, input_sha256="0" * 64, output_sha256="0" * 64, latency_us=1, request_id=f"b-{n}",
        )  # fmt: skip

    def shipped(n: int) -> None:
        services.decision_record(decision=decision, entry=entry(n))

    def lock_every_write(n: int) -> None:
        with transaction.atomic():
            head = services._locked_head(wait=True)  # the rejected design, rebuilt from the same pieces
            plain_insert(n)
            assert head is not None
            services._seal_pending(head)  # seals the row just written (the old write path)

    print(f"\nAudit writes, {options.writes} per writer (PostgreSQL, one connection per writer)")
    for writers in (int(w) for w in options.writers.split(",")):
        for label, write in (
            ("baseline: plain INSERT", plain_insert),
            ("sealed when free (shipped)", shipped),
            ("lock the head every write", lock_every_write),
        ):
            services.decisions_seal()
            samples: list[float] = []
            lock = threading.Lock()
            start = threading.Barrier(writers)

            def worker(
                write: Callable[[int], None] = write,
                start: threading.Barrier = start,
                lock: threading.Lock = lock,
                samples: list[float] = samples,
            ) -> None:
                try:
                    start.wait()
                    mine = []
                    for n in range(options.writes):
                        started = time.perf_counter()
                        write(n)
                        mine.append(time.perf_counter() - started)
                    with lock:
                        samples.extend(mine)
                finally:
                    connection.close()

            threads = [threading.Thread(target=worker) for _ in range(writers)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            p50, p95 = percentiles(samples)
            print(
                f"  {writers:2} writers  {label:28} {len(samples) / elapsed:7.0f}/s   "
                f"P50 {p50:7.2f} ms   P95 {p95:7.2f} ms   mean {statistics.fmean(samples) * 1000:7.2f} ms"
            )
    sealed = services.decisions_seal()
    report = selectors.audit_verify()
    print(f"\nSealed {sealed} pending at the end; chain verifies: {report.ok} ({report.checked} records)")
    load = os.getloadavg()
    print(f"Load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
