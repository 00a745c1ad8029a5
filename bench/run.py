"""The Azora benchmark: production mode on PostgreSQL + Redis, bare view vs `GET /api/v1/me`, side by side.

Run it with `./dev bench` (options: `./dev bench --help`). It is not a test: it prints figures and the
targets of the Foundation issue (PASS/MISS), and writes a JSON result to bench/results/.

What one run does:
1. drops and recreates a scratch PostgreSQL database (`azora_bench`) and empties Redis database 15;
2. sets a production environment (generated secret key and RSA JWT key, rate limits off, TLS redirect
   off because the load generator speaks plain HTTP on 127.0.0.1), migrates, creates one user;
3. for each server interface (ASGI, then WSGI), starts `azora serve` on a free port, waits for
   /livez, logs in through allauth headless (`POST /_allauth/app/v1/auth/login`), checks that
   /api/v1/me answers 200, then measures /livez and /api/v1/me at the same concurrency with wrk
   (a warm-up run first, discarded), and times sequential password logins;
4. always stops the server and drops the database, even when a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from loadgen import LoadResult, Mix, run_paced, run_python, run_wrk, wrk_available
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BARE = "/livez"
ME = "/api/v1/me"
LOGIN = "/_allauth/app/v1/auth/login"
# The Foundation issue's targets for GET /api/v1/me.
TARGET_ME_P95_MS = 10.0
TARGET_THROUGHPUT_RATIO = 0.40


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--interface", default="asgi,wsgi", help="granian interface(s): asgi, wsgi or asgi,wsgi (default: both)"
    )
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default: 2)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default: 64)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per endpoint (default: 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of discarded warm-up (default: 3)")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (default: 1, leaving the CPUs to the server)"
    )
    parser.add_argument("--logins", type=int, default=30, help="sequential password logins timed (default: 30)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("AZORA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env AZORA_BENCH_POSTGRES)",
    )
    parser.add_argument("--database", default="azora_bench", help="scratch database, dropped before and after")
    parser.add_argument(
        "--redis",
        default=os.environ.get("AZORA_BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        help="Redis URL; its database is flushed before and after (env AZORA_BENCH_REDIS)",
    )
    parser.add_argument(
        "--settings",
        default="config.settings.production",
        help="Django settings module (default: config.settings.production; for experiments)",
    )
    parser.add_argument(
        "--blocking-threads", type=int, help="WSGI threads per worker (azora serve --threads; default: its default)"
    )
    parser.add_argument("--backpressure", type=int, help="granian concurrent requests per worker")
    parser.add_argument("--python-loadgen", action="store_true", help="use the asyncio load generator, not wrk")
    add_paced_option(parser)
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    parser.add_argument(
        "--scenario",
        choices=("api", "money", "education", "ai", "elara", "marketplace", "security", "probes"),
        default="api",
        help="api (this run: /livez vs /api/v1/me), money (bench/money.py: ledger transfers vs pgbench), "
        "education (bench/education.py: catalogue search, course page, my enrolments vs raw SQL), "
        "ai (bench/ai.py: chat through /api/v1/ai/chat vs straight to a 50 ms model server) or "
        "elara (bench/agents.py: time to first token through Elara's pipeline vs the bare AI routing call) or "
        "marketplace (bench/marketplace.py: listing search and my matches at 64 connections vs the search's raw SQL)"
        " or "
        "security (bench/security.py: P95 added by the edge and the rate limits at 64 connections, on vs off) or "
        "probes (bench/probes.py: one Health Monitor probe round over every registered probe vs /readyz's checks)",
    )
    args = parser.parse_args(argv)
    args.interfaces = [name.strip() for name in args.interface.split(",") if name.strip()]
    if not args.interfaces or any(name not in {"asgi", "wsgi"} for name in args.interfaces):
        parser.error("--interface takes asgi, wsgi or asgi,wsgi")
    return args


# --- The machine ---------------------------------------------------------------------------------


def add_scratch_options(parser: argparse.ArgumentParser, *, database: str, redis_env: str, redis_default: str) -> None:
    """--postgres, --database, --redis and --settings: where a scenario's scratch database and Redis live."""
    parser.add_argument(
        "--postgres",
        default=os.environ.get("AZORA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env AZORA_BENCH_POSTGRES)",
    )
    parser.add_argument("--database", default=database, help="scratch database, dropped before and after")
    parser.add_argument(
        "--redis",
        default=os.environ.get(redis_env, redis_default),
        help=f"Redis URL; its database is flushed before and after (env {redis_env})",
    )
    parser.add_argument("--settings", default="config.settings.production", help="Django settings module")


# Latency targets "at N connections" are read paced (docs/decisions/0022): N clients sending, in all, this share of
# the requests a second the slowest of the compared variants managed saturated in the same run.
PACED_SHARE = 0.5


def add_paced_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paced-share",
        type=float,
        default=PACED_SHARE,
        help=f"paced rate as a share of the saturated throughput measured in the same run (default: {PACED_SHARE:g})",
    )


def paced_rate(saturated_per_second: float, share: float) -> float:
    """The paced run's requests a second in all; at least one, so that a very slow server is still measured."""
    return max(1.0, round(saturated_per_second * share, 1))


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, printed beside the figures (a busy machine explains slow ones)."""
    return [round(value, 2) for value in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory_kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
    versions = {}
    for package in ("django", "granian", "django-ninja", "django-allauth", "psycopg", "redis"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[package] = importlib.metadata.version(package)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": commit,
        "load_average_before": [round(value, 2) for value in os.getloadavg()],
    }


# --- Backing services ----------------------------------------------------------------------------


def database_url(args: argparse.Namespace, name: str) -> str:
    return f"{args.postgres.rstrip('/')}/{name}"


def database_recreate(args: argparse.Namespace) -> str:
    with psycopg.connect(database_url(args, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
        version = connection.execute("SHOW server_version").fetchone()
    return str(version[0]) if version else ""


def database_drop(args: argparse.Namespace) -> None:
    with psycopg.connect(database_url(args, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))


def redis_flush(url: str) -> str:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        return str(client.info("server").get("redis_version", ""))
    finally:
        client.close()


def jwt_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def production_environment(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    """The environment a production web process gets, minus TLS (plain HTTP on 127.0.0.1)."""
    # Counters are created when their module is imported, by `azora migrate` as much as by the server.
    (Path(data_dir) / "metrics").mkdir(parents=True, exist_ok=True)
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AZORA_", "DJANGO_", "GRANIAN_", "OTEL_")) and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    return {
        **inherited,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_URL": database_url(args, args.database),
        "REDIS_URL": args.redis,
        "AZORA_SECRET_KEY": secrets.token_urlsafe(50),
        "AZORA_JWT_PRIVATE_KEY": jwt_private_key(),
        "AZORA_CERTIFICATE_SIGNING_KEY": ed25519.Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode(),
        "AZORA_SSL_REDIRECT": "0",
        "AZORA_RATE_LIMITS_ENABLED": "0",
        "AZORA_EMAIL_VERIFICATION": "none",
        "AZORA_LOG_LEVEL": "WARNING",
        # A scenario signs in once and measures for longer than production's 5-minute access token lives.
        "AZORA_JWT_ACCESS_TOKEN_SECONDS": "3600",
        "AZORA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AZORA_SITE_URL": "http://127.0.0.1",
        "AZORA_DATA_DIR": data_dir,
        # As in production with several granian workers (docs/observability.md); emptied per server start.
        "PROMETHEUS_MULTIPROC_DIR": str(Path(data_dir) / "metrics"),
        **granian_tuning(args),
    }


def experimental(args: argparse.Namespace) -> bool:
    return args.settings != "config.settings.production" or bool(granian_tuning(args))


def granian_tuning(args: argparse.Namespace) -> dict[str, str]:
    """Server tuning other than `azora serve`'s defaults, passed as environment variables."""
    tuning = {}
    if args.blocking_threads:
        tuning["AZORA_WEB_THREADS"] = str(args.blocking_threads)  # `azora serve --threads`
    if args.backpressure:
        tuning["GRANIAN_BACKPRESSURE"] = str(args.backpressure)
    return tuning


def azora(environment: dict[str, str], *arguments: str) -> None:
    """Runs one `azora` role (migrate, manage ...) to completion, failing loudly."""
    completed = subprocess.run(
        [sys.executable, "-m", "azora.cli", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"azora {' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}")


USER_SCRIPT = """
import os
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
email, password = os.environ["AZORA_BENCH_EMAIL"], os.environ["AZORA_BENCH_PASSWORD"]
user = get_user_model().objects.create_user(email=email, password=password, display_name="Bench User")
EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
"""


def user_create(environment: dict[str, str], email: str, password: str) -> None:
    """Creates the benchmark's user through Django's own manager (not through Azora's test code)."""
    azora(
        {**environment, "AZORA_BENCH_EMAIL": email, "AZORA_BENCH_PASSWORD": password},
        "manage",
        "shell",
        "--no-imports",
        "-c",
        USER_SCRIPT,
    )


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    process_group: int


def process_group_cpu_seconds(group: int) -> float:
    """User + system CPU time of every live process in a process group (Linux /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = entry.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # fields after the command: state, ppid, pgrp, ...
                total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextlib.contextmanager
def server(environment: dict[str, str], *, interface: str, workers: int, log: Path) -> Iterator[Server]:
    """`azora serve` on a free port, in its own process group, stopped (always) on exit."""
    port = free_port()
    metrics = Path(environment["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    command = [
        sys.executable, "-m", "azora.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--interface", interface,
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_live(port, process, log)
        yield Server(port=port, process_group=process.pid)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until_live(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with status {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(port, "GET", BARE)[0] == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer {BARE} within {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 40) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    own = connection is None
    client = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Accept": "application/json", **(headers or {})}
        if payload is not None:
            sent["Content-Type"] = "application/json"
        client.request(method, path, body=payload, headers=sent)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        if own:
            client.close()


# --- Measurements --------------------------------------------------------------------------------


def login(port: int, email: str, password: str, connection: http.client.HTTPConnection | None = None) -> str:
    status, body = request(port, "POST", LOGIN, body={"email": email, "password": password}, connection=connection)
    if status != 200:
        raise RuntimeError(f"login answered {status}: {body[:500]!r}")
    token = json.loads(body).get("meta", {}).get("access_token")
    if not token:
        raise RuntimeError(f"login answered no meta.access_token: {body[:500]!r}")
    return str(token)


def login_latencies(port: int, email: str, password: str, count: int) -> dict[str, float]:
    """Sequential password logins over one keep-alive connection (argon2id verification dominates)."""
    timings: list[float] = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        login(port, email, password, connection)  # warm the path once
        for _ in range(count):
            started = time.perf_counter()
            login(port, email, password, connection)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "count": count,
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "max_ms": round(max(timings), 2),
    }


def load(
    args: argparse.Namespace,
    wrk: str | None,
    url: str,
    headers: dict[str, str],
    seconds: float,
    mix: Mix | None = None,
) -> LoadResult:
    """`args.connections` connections back to back on `url` (or on the requests of `mix` in turn)."""
    if wrk:
        return run_wrk(
            wrk, url, connections=args.connections, threads=args.threads, seconds=seconds, headers=headers, mix=mix
        )
    return run_python(url, connections=args.connections, seconds=seconds, headers=headers, mix=mix)


class ConnectionSampler:
    """Samples how many PostgreSQL connections the server holds to the bench database while load runs."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.peak: int | None = None  # None: no sample (the sampler could not connect: PostgreSQL full?)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        with contextlib.suppress(psycopg.Error), psycopg.connect(database_url(self.args, "postgres")) as connection:
            connection.autocommit = True
            while not self.stopped.wait(0.5):
                row = connection.execute(query, (self.args.database,)).fetchone()
                self.peak = max(self.peak or 0, int(row[0]) if row else 0)


def measure_interface(
    args: argparse.Namespace,
    interface: str,
    *,
    environment: dict[str, str],
    wrk: str | None,
    email: str,
    password: str,
    log: Path,
) -> dict[str, Any]:
    """Measures one server interface; a step that fails is recorded in the result, not raised."""
    results: dict[str, Any] = {"server_log": str(log.relative_to(ROOT))}
    print(f"bench: starting azora serve --interface {interface} --workers {args.workers}", flush=True)
    try:
        with server(environment, interface=interface, workers=args.workers, log=log) as running:
            port = running.port
            token = login(port, email, password)
            auth = {"Authorization": f"Bearer {token}"}
            status, body = request(port, "GET", ME, headers=auth)
            if status != 200:
                raise RuntimeError(f"GET {ME} with the access token answered {status}, not 200: {body[:300]!r}")
            base = f"http://127.0.0.1:{port}"
            for name, path, headers in (("bare", BARE, {}), ("me", ME, auth)):
                if args.warmup > 0:
                    load(args, wrk, base + path, headers, args.warmup)
                print(f"bench: {interface}: GET {path} for {args.duration:g} s at {args.connections} connections")
                cpu_before = process_group_cpu_seconds(running.process_group)
                with ConnectionSampler(args) as sampler:
                    results[name] = load(args, wrk, base + path, headers, args.duration).as_dict()
                cpu_used = process_group_cpu_seconds(running.process_group) - cpu_before
                results[name]["peak_database_connections"] = sampler.peak
                # Server CPU per request: unlike requests/s it hardly depends on what else the machine runs.
                results[name]["server_cpu_ms_per_request"] = round(
                    cpu_used * 1000 / max(1, results[name]["requests"]), 3
                )
            # Paced (ADR 0022): /me at half the rate it managed saturated, at the same connections; the P95 target.
            rate = paced_rate(float(results["me"]["requests_per_second"]), args.paced_share)
            print(f"bench: {interface}: GET {ME} paced at {rate:g} req/s for {args.duration:g} s", flush=True)
            paced = run_paced(base + ME, connections=args.connections, rate=rate, seconds=args.duration, headers=auth)
            results["me_paced"] = {"rate": rate, **paced.as_dict()}
            print(f"bench: {interface}: {args.logins} sequential password logins", flush=True)
            try:
                results["login"] = login_latencies(port, email, password, args.logins)
            except (RuntimeError, OSError, http.client.HTTPException) as error:
                results["login"] = {"error": str(error)[:300]}
    except (RuntimeError, OSError, http.client.HTTPException) as error:
        results["error"] = str(error)
        print(f"bench: {interface}: failed: {str(error)[:2000]}", file=sys.stderr)
    if "bare" in results and "me_paced" in results:
        results["targets"] = targets(results["bare"], results["me"], results["me_paced"])
    return results


def targets(bare: dict[str, Any], me: dict[str, Any], me_paced: dict[str, Any]) -> dict[str, Any]:
    """P95 on the paced run (ADR 0022); the throughput ratio on the saturated runs."""
    ratio = me["requests_per_second"] / bare["requests_per_second"] if bare["requests_per_second"] else 0.0
    p95 = me_paced["p95_ms"]
    return {
        "me_p95_ms": {"target": TARGET_ME_P95_MS, "measured": p95, "pass": p95 < TARGET_ME_P95_MS},
        "throughput_ratio": {
            "target": TARGET_THROUGHPUT_RATIO,
            "measured": round(ratio, 3),
            "pass": ratio >= TARGET_THROUGHPUT_RATIO,
        },
    }


# --- Report --------------------------------------------------------------------------------------


def report(args: argparse.Namespace, info: dict[str, Any], runs: dict[str, dict[str, Any]]) -> str:
    columns: list[tuple[str, dict[str, Any]]] = []
    for interface, result in runs.items():
        columns += [
            (f"{interface} {label}", result[name]) for name, label in (("bare", BARE), ("me", ME)) if name in result
        ]
    width = max([18, *(len(title) + 2 for title, _ in columns)])

    def row(label: str, values: list[str]) -> str:
        return f"{label:<24}" + "".join(f"{value:>{width}}" for value in values)

    lines = [
        "",
        f"Azora benchmark  {info['date']}  commit {info['machine']['git_commit']}",
        f"machine: {info['machine']['cpus']} CPUs ({info['machine']['cpu_model']}), "
        f"{info['machine']['memory_gib']} GiB, Python {info['machine']['python']}, "
        f"Django {info['machine']['packages'].get('django')}, granian {info['machine']['packages'].get('granian')}, "
        f"PostgreSQL {info['postgresql']}, Redis {info['redis']}; "
        f"load average before the run: {' '.join(map(str, info['machine']['load_average_before']))}",
        f"load: {info['load_tool']}, {args.connections} connections, {args.threads} threads, "
        f"{args.duration:g} s per endpoint after {args.warmup:g} s warm-up; granian workers={args.workers}; "
        "the load generator, PostgreSQL and Redis share the same CPUs"
        + (f"; settings {args.settings} {granian_tuning(args)}" if experimental(args) else ""),
        "",
        row("", [title for title, _ in columns]),
        row("requests/s", [f"{result['requests_per_second']:,.0f}" for _, result in columns]),
        row("P50 ms", [f"{result['p50_ms']:.2f}" for _, result in columns]),
        row("P95 ms", [f"{result['p95_ms']:.2f}" for _, result in columns]),
        row("P99 ms", [f"{result['p99_ms']:.2f}" for _, result in columns]),
        row("requests", [f"{result['requests']:,}" for _, result in columns]),
        row("non-2xx responses", [str(result["non_2xx"]) for _, result in columns]),
        row("socket errors", [str(result["socket_errors"]) for _, result in columns]),
        row("peak PostgreSQL conns", [str(result["peak_database_connections"] or "n/a") for _, result in columns]),
        row("server CPU ms/request", [f"{result['server_cpu_ms_per_request']:.2f}" for _, result in columns]),
        "",
    ]
    for interface, result in runs.items():
        if "error" in result:
            lines += [f"[{interface}] FAILED: {result['error'][:300]} (server log: {result['server_log']})", ""]
        if "targets" not in result:
            continue
        p95 = result["targets"]["me_p95_ms"]
        ratio = result["targets"]["throughput_ratio"]
        login_figures = result.get("login", {"error": "not measured"})
        p95_gap = "" if p95["pass"] else f" (over by {p95['measured'] - p95['target']:.2f} ms)"
        ratio_gap = "" if ratio["pass"] else f" (short by {(ratio['target'] - ratio['measured']) * 100:.1f} points)"
        lines += [
            f"[{interface}] {ME} throughput / bare: {ratio['measured'] * 100:.1f} %; by server CPU per request "
            f"({result['me']['server_cpu_ms_per_request']:.2f} vs {result['bare']['server_cpu_ms_per_request']:.2f} ms)"
            f" {cpu_ratio(result) * 100:.0f} %",
            f"[{interface}] target {ME} P95 < {p95['target']:g} ms, paced at {result['me_paced']['rate']:g} req/s "
            f"(P50 {result['me_paced']['p50_ms']:.2f}, P99 {result['me_paced']['p99_ms']:.2f} ms): "
            f"{p95['measured']:.2f} ms {'PASS' if p95['pass'] else 'MISS'}{p95_gap}",
            f"[{interface}] target throughput >= {ratio['target'] * 100:.0f} % of bare: "
            f"{ratio['measured'] * 100:.1f} % {'PASS' if ratio['pass'] else 'MISS'}{ratio_gap}",
            f"[{interface}] password login: {login_summary(login_figures)}",
            "",
        ]
    needed = args.connections / (TARGET_ME_P95_MS / 1000)
    lines.append(
        f"note: saturated, by Little's law, {args.connections} connections at P95 < {TARGET_ME_P95_MS:g} ms would "
        f"need > {needed:,.0f} requests/s; paced, P95 is the request's own time at half the load."
    )
    return "\n".join(lines)


def cpu_ratio(result: dict[str, Any]) -> float:
    """The throughput ratio the server's own CPU cost per request predicts, when the server has the CPUs."""
    me = result["me"]["server_cpu_ms_per_request"]
    return float(result["bare"]["server_cpu_ms_per_request"] / me) if me else 0.0


def login_summary(figures: dict[str, Any]) -> str:
    if "error" in figures:
        return f"FAILED: {figures['error']}"
    return f"P50 {figures['p50_ms']:.1f} ms, P95 {figures['p95_ms']:.1f} ms ({figures['count']} sequential)"


def main(argv: list[str] | None = None) -> int:
    # `--scenario money` hands the whole run to bench/money.py (the ledger benchmark), with its own options.
    chooser = argparse.ArgumentParser(add_help=False)
    chooser.add_argument(
        "--scenario",
        choices=("api", "money", "education", "ai", "elara", "marketplace", "security", "probes"),
        default="api",
    )
    chosen, rest = chooser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if chosen.scenario == "money":
        import money

        return money.main(rest)
    if chosen.scenario == "education":
        import education

        return education.main(rest)
    if chosen.scenario == "ai":
        import ai

        return ai.main(rest)
    if chosen.scenario == "elara":
        import agents

        return agents.main(rest)
    if chosen.scenario == "marketplace":
        import marketplace

        return marketplace.main(rest)
    if chosen.scenario == "security":
        import security

        return security.main(rest)
    if chosen.scenario == "probes":
        import probes

        return probes.main(rest)
    args = options(rest)
    wrk = None if args.python_loadgen else wrk_available()
    if wrk is None:
        print("bench: wrk not available; using the (slower) asyncio load generator", file=sys.stderr)
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_tool": "wrk" if wrk else "python-asyncio",
        "settings": {
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "workers": args.workers,
            "logins": args.logins,
            "settings": args.settings,
            "granian": granian_tuning(args),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    email, password = "bench@example.com", secrets.token_urlsafe(24)
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-") as data_dir:
        try:
            info["postgresql"] = database_recreate(args)
            info["redis"] = redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()  # STATIC_ROOT: nothing is collected, the API serves no files
            environment = production_environment(args, data_dir)
            print(f"bench: migrating the scratch database {args.database}", flush=True)
            azora(environment, "migrate")
            user_create(environment, email, password)
            for interface in args.interfaces:
                log = RESULTS / f"{stamp}-{interface}-server.log"
                runs[interface] = measure_interface(
                    args, interface, environment=environment, wrk=wrk, email=email, password=password, log=log
                )
        except (RuntimeError, OSError, psycopg.Error, redis.RedisError, subprocess.SubprocessError) as error:
            print(f"bench: failed: {error}", file=sys.stderr)
            return 2
        finally:
            with contextlib.suppress(psycopg.Error):
                database_drop(args)
            with contextlib.suppress(redis.RedisError):
                redis_flush(args.redis)
    print(report(args, info, runs))
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps({**info, "runs": runs}, indent=2) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    if any("error" in run or "error" in run.get("login", {}) for run in runs.values()):
        return 2
    missed = any(not target["pass"] for run in runs.values() for target in run["targets"].values())
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
