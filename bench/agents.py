"""The Elara benchmark: time to first token and to full answer, Elara's pipeline vs the bare AI routing call.

Run it with `./dev bench --scenario elara` (options: `./dev bench --scenario elara --help`). It is not a test: it
prints figures and the AI tutor issue's target (time to first token P95 < 150 ms, PASS/MISS), and writes a JSON
result to bench/results/.

What one run does, with the built-in offline provider and the same number of concurrent learners (16) throughout:
1. recreates a scratch PostgreSQL database (`azora_bench_elara`), migrates it in production settings, loads the
   accounts and education demo data, and creates one learner per client (a password, a verified email, the
   oversight consent, a PRO trial so that the monthly question allowance does not stop the run, enrolled in the
   demo course `python-basics`);
2. starts `azora serve` (WSGI), signs every learner in and opens one conversation each about the course;
3. every client asks a few questions of each kind, not timed (warm-up: this also loads the constitution's models
   in each worker, which the benchmark does not let `azora serve` do at start, AZORA_WARM_UP=0);
4. baseline: the clients stream the same tutoring question through `POST /api/v1/ai/chat` (`stream: true`, the
   course given): AI routing, budgets, usage and the constitution's input and output rails, the offline provider;
5. Elara: the clients stream it through `POST /api/v1/conversations/{id}/messages` (`stream: true`): the agents
   pipeline (validation, language, routing, tools, the same governed `chat_stream`, the stored exchange);
   each client on its own keep-alive connection, one question after another (`--think S`: S seconds between an
   answer and the next question, the learners spread over one think time). Time to first token is when the
   first `event: delta` line arrives, full answer when the stream ends (after `event: done`);
6. both targets again paced (docs/decisions/0022): the same learners asking, in all, half the answers a second
   the slower target managed back to back, each question timed from when it was due; the target is read here;
7. then (`--single S`, default 8 s) both targets again with one learner alone: the time a question takes without
   a queue, beside the loaded figure (back to back, 16 learners on 2 cores wait mostly for each other's CPU);
8. always stops the server and drops the database.

The load average is printed before, after and at the start of each phase: the machine may be shared.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run
from loadgen import Pace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_TTFT_P95_MS = 150.0
COURSE_SLUG = "python-basics"
QUESTION = "How does a for loop work over a list?"
PASSWORD_VARIABLE = "AZORA_BENCH_PASSWORD"  # noqa: S105 -- the name of the variable, not a password

SETUP_SCRIPT = """
import os, json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from azora.agents.public import oversight_consent_give
from azora.education.public import course_detail, enrollment_create
from azora.revenue.public import subscription_trial_grant
course = course_detail(slug=os.environ["AZORA_BENCH_COURSE"], viewer_id=None)
emails = []
for index in range(int(os.environ["AZORA_BENCH_LEARNERS"])):
    email = f"elara-bench-{index}@example.com"
    user = get_user_model().objects.create_user(
        email=email, password=os.environ["AZORA_BENCH_PASSWORD"], display_name=f"Bench learner {index}"
    )
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
    oversight_consent_give(user_id=user.id)
    subscription_trial_grant(user_id=user.id, days=30, reason="Elara benchmark")
    enrollment_create(course_id=course.id, user_id=user.id)
    emails.append(email)
print("SETUP " + json.dumps({"course_id": str(course.id), "emails": emails}))
"""


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench --scenario elara", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent learners (default: 16)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per target (default: 15)")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each learner waits after an answer before the next question (default: 0, back to back)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="untimed questions per client and target, at least 4 per worker (default: 2)",
    )
    parser.add_argument(
        "--single",
        type=float,
        default=8.0,
        help="then seconds measured per target with one learner alone, the quiet figure beside the loaded one "
        "(default: 8; 0 skips it)",
    )
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default: 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=8,
        help="WSGI threads per worker (default: 8, so that 2 workers hold the 16 streams at once)",
    )
    run.add_paced_option(parser)
    run.add_scratch_options(
        parser,
        database="azora_bench_elara",
        redis_env="AZORA_BENCH_ELARA_REDIS",
        redis_default="redis://127.0.0.1:6379/12",
    )
    args = parser.parse_args(argv)
    # bench/run.py's helpers read these.
    args.blocking_threads = args.threads
    args.backpressure = 0
    return args


# --- One streamed question -----------------------------------------------------------------------------------------


def ask_streamed(
    connection: http.client.HTTPConnection,
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    since: float | None = None,
) -> tuple[float, float]:
    """POSTs one streaming request; (ms to the first `event: delta` line, ms to the end of the stream), counted from
    `since` (when a paced question was due) or from the send. Raises RuntimeError when the answer is not a 200
    event stream that ends with `event: done`."""
    started = time.perf_counter() if since is None else since
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {response.read()[:300]!r}")
    first: float | None = None
    done = False
    while True:
        line = response.readline()
        if not line:
            break
        if line.startswith(b"event: delta") and first is None:
            first = (time.perf_counter() - started) * 1000
        elif line.startswith(b"event: done"):
            done = True
        elif line.startswith(b"event: error"):
            raise RuntimeError(f"{path} sent an error event: {response.read()[:300]!r}")
    full = (time.perf_counter() - started) * 1000
    if not done or first is None:
        raise RuntimeError(f"{path}: the stream ended without {'a delta' if first is None else 'event: done'}")
    return first, full


class Client:
    """A learner with their own keep-alive connection, token and conversation."""

    def __init__(self, port: int, token: str, conversation_id: str, course_id: str) -> None:
        self.port = port
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        }
        self.targets = {
            "routing": (
                "/api/v1/ai/chat",
                json.dumps(
                    {"messages": [{"role": "user", "content": QUESTION}], "stream": True, "course_id": course_id}
                ).encode(),
            ),
            "elara": (
                f"/api/v1/conversations/{conversation_id}/messages",
                json.dumps({"text": QUESTION, "stream": True}).encode(),
            ),
        }
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def reconnect(self) -> None:
        """A fresh keep-alive connection (the server closes one that sat idle through the others' warm-up)."""
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def ask(self, target: str, *, since: float | None = None) -> tuple[float, float]:
        path, body = self.targets[target]
        try:
            return ask_streamed(self.connection, path, body, self.headers, since=since)
        except (OSError, http.client.HTTPException):
            self.reconnect()
            raise


def measure(
    clients: list[Client], target: str, seconds: float, *, think: float = 0.0, rate: float | None = None
) -> dict[str, Any]:
    """Back to back (with `think` seconds between an answer and the next question), or, with `rate`, paced: the
    learners ask `rate` questions a second in all, each timed from when it was due (ADR 0022)."""
    firsts: list[float] = []
    fulls: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    box: dict[str, float] = {}

    def work(number: int, client: Client) -> None:
        client.reconnect()
        barrier.wait()
        pace = Pace.of(number, clients=len(clients), rate=rate, began=box["began"]) if rate else None
        if think > 0 and not pace:  # spread the learners over one think time, as readers would be
            time.sleep(think * number / len(clients))
        while (pace.due if pace else time.perf_counter()) < box["until"]:
            due = pace.wait() if pace else None
            if pace:
                pace.advance()
            try:
                first, full = client.ask(target, since=due)
            except (RuntimeError, OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(f"{type(error).__name__}: {str(error)[:200]}")
                continue
            with lock:
                firsts.append(first)
                fulls.append(full)
            if think > 0 and not pace:
                time.sleep(think)

    threads = [threading.Thread(target=work, args=item, daemon=True) for item in enumerate(clients)]
    for thread in threads:
        thread.start()
    box["began"] = time.perf_counter()
    box["until"] = box["began"] + seconds
    began = box["began"]
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if len(firsts) < 2:
        raise RuntimeError(f"{target}: too few answers ({len(firsts)}); errors: {sorted(set(errors))[:3]}")
    first_cuts = statistics.quantiles(firsts, n=100, method="inclusive")
    full_cuts = statistics.quantiles(fulls, n=100, method="inclusive")
    return {
        "answers": len(firsts),
        "answers_per_second": round(len(firsts) / elapsed, 2),
        "ttft_p50_ms": round(first_cuts[49], 1),
        "ttft_p95_ms": round(first_cuts[94], 1),
        "ttft_p99_ms": round(first_cuts[98], 1),
        "full_p50_ms": round(full_cuts[49], 1),
        "full_p95_ms": round(full_cuts[94], 1),
        "full_p99_ms": round(full_cuts[98], 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
    }


def phase(
    running: run.Server,
    group: list[Client],
    target: str,
    seconds: float,
    *,
    think: float = 0.0,
    rate: float | None = None,
) -> dict[str, Any]:
    """One measured phase, with the server's CPU per answer and the load average at its start."""
    how = f"paced at {rate:g}/s" if rate else "back to back"
    print(f"bench: elara: {target} for {seconds:g} s at {len(group)} clients, {how}", flush=True)
    load = run.load_average()
    cpu_before = run.process_group_cpu_seconds(running.process_group)
    result = measure(group, target, seconds, think=think if len(group) > 1 else 0.0, rate=rate)
    cpu = run.process_group_cpu_seconds(running.process_group) - cpu_before
    result["server_cpu_ms_per_answer"] = round(cpu * 1000 / max(1, result["answers"]), 2)
    result["clients"] = len(group)
    result["load_average_at_start"] = load
    return result


def warm_up(clients: list[Client], questions: int, *, workers: int) -> None:
    """Untimed questions, one after another, each on a fresh connection so that every worker process gets some (its
    first call loads the constitution's models and builds the offline index): `questions` per client and target,
    and at least 4 per worker and target. Failures here stop the run."""
    count = max(questions * len(clients), 4 * workers)
    for target in ("routing", "elara"):
        for index in range(count):
            client = clients[index % len(clients)]
            client.reconnect()
            client.ask(target)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "scenario": "elara",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "settings": {
            "clients": args.clients,
            "duration_s": args.duration,
            "warmup_questions": args.warmup,
            "think_s": args.think,
            "workers": args.workers,
            "threads": args.threads,
            "single_s": args.single,
            "paced_share": args.paced_share,
            "question": QUESTION,
            "course": COURSE_SLUG,
        },
        "load_average_before": run.load_average(),
    }
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, Any] = {}
    password = secrets.token_urlsafe(16)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="azora-bench-elara-") as data_dir:
        try:
            info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            environment = {
                **run.production_environment(args, data_dir),
                "AZORA_AI_USER_RPM": "0",
                "AZORA_AI_USER_TPM": "0",
                "AZORA_DB_POOL_MAX": str(max(args.threads, 8)),
                "AZORA_WEB_THREADS": str(args.threads),
                # Loading the constitution's models at start can take longer than run.server waits for /livez on a
                # busy machine; the untimed warm-up questions load them in each worker instead.
                "AZORA_WARM_UP": "0",
            }
            print(f"bench: elara: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            run.azora(
                environment, "manage", "demo_data", "--only", "accounts", "--only", "education", "--allow-production"
            )
            setup = subprocess.run(
                [sys.executable, "-m", "azora.cli", "manage", "shell", "--no-imports", "-c", SETUP_SCRIPT],
                cwd=ROOT,
                env={
                    **environment,
                    PASSWORD_VARIABLE: password,
                    "AZORA_BENCH_LEARNERS": str(args.clients),
                    "AZORA_BENCH_COURSE": COURSE_SLUG,
                },
                capture_output=True,
                text=True,
                check=False,
            )
            made_lines = [line for line in setup.stdout.splitlines() if line.startswith("SETUP ")]
            if setup.returncode != 0 or not made_lines:
                raise RuntimeError(f"set-up failed:\n{setup.stdout[-2000:]}\n{setup.stderr[-3000:]}")
            made = json.loads(made_lines[-1].removeprefix("SETUP "))
            log = RESULTS / f"{stamp}-elara-server.log"
            print(
                f"bench: elara: azora serve wsgi {args.workers} workers x {args.threads} threads; "
                f"{args.clients} learners",
                flush=True,
            )
            with run.server(environment, interface="wsgi", workers=args.workers, log=log) as running:
                clients = []
                for email in made["emails"]:
                    token = run.login(running.port, email, password)
                    status, body = run.request(
                        running.port,
                        "POST",
                        "/api/v1/conversations",
                        body={"course_id": made["course_id"]},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    if status != 201:
                        raise RuntimeError(f"POST /api/v1/conversations answered {status}: {body[:300]!r}")
                    clients.append(Client(running.port, token, json.loads(body)["id"], made["course_id"]))
                print(f"bench: elara: warm-up ({args.warmup} questions per client and target)", flush=True)
                warm_up(clients, args.warmup, workers=args.workers)
                # The loaded figures, then (--single) one learner alone: what a question costs without a queue.
                for target in ("routing", "elara"):
                    results[target] = phase(running, clients, target, args.duration, think=args.think)
                # Paced (ADR 0022): the same learners asking, in all, half what the slower target answered back to
                # back; the target's figure.
                rate = run.paced_rate(
                    min(results["routing"]["answers_per_second"], results["elara"]["answers_per_second"]),
                    args.paced_share,
                )
                info["paced_rate"] = rate
                for target in ("routing", "elara"):
                    results[f"{target}_paced"] = phase(running, clients, target, args.duration, rate=rate)
                if args.single > 0:
                    for target in ("routing", "elara"):
                        results[f"{target}_single"] = phase(running, clients[:1], target, args.single)
                info["server_log"] = str(log.relative_to(ROOT))
        except (RuntimeError, OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
            print(f"bench: elara: failed: {error}", file=sys.stderr)
            return 2
        finally:
            with contextlib.suppress(Exception):
                run.database_drop(args)
            with contextlib.suppress(Exception):
                run.redis_flush(args.redis)
    info["load_average_after"] = run.load_average()
    elara_p95 = results["elara_paced"]["ttft_p95_ms"]
    summary = {
        **info,
        "results": results,
        "added_ttft_p50_ms": round(results["elara_paced"]["ttft_p50_ms"] - results["routing_paced"]["ttft_p50_ms"], 1),
        "added_ttft_p95_ms": round(elara_p95 - results["routing_paced"]["ttft_p95_ms"], 1),
        "verdict": "PASS" if elara_p95 < TARGET_TTFT_P95_MS else "MISS",
    }
    path = RESULTS / f"elara-{stamp}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(report(summary))
    print(f"\nresult written to {path.relative_to(ROOT)}")
    return 0


def report(summary: dict[str, Any]) -> str:
    machine = summary["machine"]
    settings = summary["settings"]
    results = summary["results"]
    lines = [
        f"Elara benchmark, {summary['date']}, commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {summary.get('postgresql')}, Redis {summary.get('redis')}",
        f"load average before/after: {summary['load_average_before']} / {summary['load_average_after']}",
        f"{settings['clients']} concurrent learners ({settings.get('think_s', 0):g} s between an answer and the next "
        f"question), {settings['duration_s']:g} s per target after "
        f"{settings['warmup_questions']} untimed questions each; azora serve wsgi {settings['workers']} workers x "
        f"{settings['threads']} threads; offline provider; the clients, PostgreSQL and Redis share the CPUs",
        "load average (1 min) at the start of each phase: "
        + ", ".join(f"{key} {row.get('load_average_at_start', ['?'])[0]}" for key, row in results.items()),
        f"question: {settings['question']!r} (course {settings['course']})",
        "",
        f"{'':<40}{'answers':>8}{'ans/s':>8}{'TTFT P50':>10}{'TTFT P95':>10}{'full P50':>10}{'full P95':>10}"
        f"{'CPU ms':>8}{'errors':>8}",
    ]
    paced = f"paced {summary.get('paced_rate', 0):g}/s"
    for label, key in (
        ("back to back: bare AI routing", "routing"),
        ("back to back: Elara", "elara"),
        (f"{paced}: bare AI routing", "routing_paced"),
        (f"{paced}: Elara", "elara_paced"),
        ("one learner alone: bare AI routing", "routing_single"),
        ("one learner alone: Elara", "elara_single"),
    ):
        if key not in results:
            continue
        row = results[key]
        lines.append(
            f"{label:<40}{row['answers']:>8}{row['answers_per_second']:>8}{row['ttft_p50_ms']:>10}"
            f"{row['ttft_p95_ms']:>10}{row['full_p50_ms']:>10}{row['full_p95_ms']:>10}"
            f"{row['server_cpu_ms_per_answer']:>8}{row['errors']:>8}"
        )
    lines += [
        "",
        f"added by Elara's pipeline, paced: TTFT P50 {summary['added_ttft_p50_ms']} ms, "
        f"P95 {summary['added_ttft_p95_ms']} ms",
        f"target: Elara's time to first token P95 < {TARGET_TTFT_P95_MS:.0f} ms at {settings['clients']} learners, "
        f"paced (ADR 0022): {results['elara_paced']['ttft_p95_ms']} ms {summary['verdict']}; back to back "
        f"(queueing, for the record): {results['elara']['ttft_p95_ms']} ms",
    ]
    for key in results:
        if results[key]["errors"]:
            lines.append(f"{key} errors: {results[key]['error_kinds']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
