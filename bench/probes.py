"""The Health Monitor benchmark: how long one probe round over every registered probe takes (target under 1 s).

Run it with `./dev bench --scenario probes` (options: `./dev bench --scenario probes --help`). It is not a test: it
prints figures and the issue's target (PASS/MISS), and writes a JSON result to bench/results/.

What one run does:
1. recreates a scratch PostgreSQL database and migrates it in production settings (PostgreSQL, Redis, the probes
   every app registers: database, cache, migrations, task queue, outbox, disk, CPU, memory, certificate key, AI
   providers, payment providers, the ledger's last reconciliation ...);
2. in one process, as the `health.run_probes` job does: one discarded warm-up round, then `--rounds` rounds of
   `health.public.probe_round_run()` back to back, each timed from outside as well as by the round's own report;
3. baseline, in the same process: `/readyz`'s checks alone (`health.public.run_readiness()`), the few probes a
   readiness request runs, timed the same way;
4. lists the slowest probes by the latency each last recorded, and always drops the database.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_ROUND_MS = 1000.0

ROUND_SCRIPT = """
import json, os, statistics, time
from azora.health import public as health
from azora.health.models import ProbeState

def timed(function, count):
    walls, errors = [], []
    for _ in range(count):
        started = time.perf_counter()
        try:
            outcome = function()
        except Exception as error:  # a round that raises is reported, not hidden
            errors.append(f"{type(error).__name__}: {str(error)[:200]}")
            outcome = None
        walls.append((time.perf_counter() - started) * 1000)
    return walls, errors, outcome

def figures(walls):
    cuts = statistics.quantiles(walls, n=100, method="inclusive") if len(walls) > 1 else walls * 99
    return {"count": len(walls), "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2),
            "max_ms": round(max(walls), 2), "mean_ms": round(statistics.fmean(walls), 2)}

rounds = int(os.environ["AZORA_BENCH_ROUNDS"])
timed(health.probe_round_run, 1)  # warm-up: imports, connections, the first cache round trip
walls, errors, report = timed(health.probe_round_run, rounds)
readiness_walls, readiness_errors, readiness = timed(health.run_readiness, rounds)
slowest = [
    {"probe": state.name, "service": state.service, "status": state.status, "latency_ms": state.last_latency_ms,
     "error": state.last_error[:120]}
    for state in ProbeState.objects.exclude(last_latency_ms=None).order_by("-last_latency_ms")[:8]
]
result = {
    "round": figures(walls),
    "round_errors": sorted(set(errors)),
    "probes": report.probes if report else None,
    "reported_duration_ms": round(report.duration_ms, 2) if report else None,
    "failed": list(report.failed) if report else None,
    "readiness": figures(readiness_walls),
    "readiness_errors": sorted(set(readiness_errors)),
    "readiness_checks": len(readiness.checks) if readiness is not None and hasattr(readiness, "checks") else None,
    "slowest": slowest,
    "states": ProbeState.objects.count(),
}
print("PROBES " + json.dumps(result))
"""


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench --scenario probes", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds timed after one warm-up (default: 20)")
    run.add_scratch_options(
        parser,
        database="azora_bench_probes",
        redis_env="AZORA_BENCH_PROBES_REDIS",
        redis_default="redis://127.0.0.1:6379/10",
    )
    args = parser.parse_args(argv)
    args.blocking_threads = 0  # bench/run.py's helpers read these
    args.backpressure = 0
    return args


def rounds_measure(environment: dict[str, str], rounds: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "azora.cli", "manage", "shell", "--no-imports", "-c", ROUND_SCRIPT],
        cwd=ROOT,
        env={**environment, "AZORA_BENCH_ROUNDS": str(rounds)},
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith("PROBES ")), "")
    if completed.returncode != 0 or not line:
        raise RuntimeError(f"the probe rounds failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return dict(json.loads(line.removeprefix("PROBES ")))


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "settings": {"rounds": args.rounds, "settings": args.settings},
    }
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="azora-bench-probes-") as data_dir:
        try:
            info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            environment = run.production_environment(args, data_dir)
            (Path(data_dir) / "static").mkdir()
            # Unlabelled counters open their multiprocess file at import, already in `migrate` and `shell`.
            Path(environment["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
            print(f"bench: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            print(f"bench: {args.rounds} probe rounds after one warm-up, then as many readiness checks", flush=True)
            measured = rounds_measure(environment, args.rounds)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            print(f"bench: failed: {error}", file=sys.stderr)
            return 2
        finally:
            with contextlib.suppress(Exception):
                run.database_drop(args)
            with contextlib.suppress(Exception):
                run.redis_flush(args.redis)
    info["load_average_after"] = run.load_average()
    passed = not measured["round_errors"] and measured["round"]["p95_ms"] < TARGET_ROUND_MS
    result = {**info, **measured, "verdict": "PASS" if passed else "MISS"}
    path = RESULTS / f"probes-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    return 0


def report(result: dict[str, Any]) -> str:
    machine = result["machine"]
    round_figures, readiness = result["round"], result["readiness"]
    lines = [
        "",
        f"Health Monitor probe round benchmark  {result['date']}  commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}; load average before {machine['load_average_before']}, "
        f"after {result['load_average_after']}; PostgreSQL {result['postgresql']}, Redis {result['redis']}",
        "",
        f"{'':<40}{'count':>7}{'P50 ms':>9}{'P95 ms':>9}{'max ms':>9}{'mean ms':>9}",
        f"{'probe round (' + str(result['probes']) + ' probes)':<40}{round_figures['count']:>7}"
        f"{round_figures['p50_ms']:>9.1f}{round_figures['p95_ms']:>9.1f}{round_figures['max_ms']:>9.1f}"
        f"{round_figures['mean_ms']:>9.1f}",
        f"{'baseline: /readyz checks (' + str(result['readiness_checks']) + ')':<40}{readiness['count']:>7}"
        f"{readiness['p50_ms']:>9.1f}{readiness['p95_ms']:>9.1f}{readiness['max_ms']:>9.1f}{readiness['mean_ms']:>9.1f}",
        "",
        f"the last round's own report: {result['reported_duration_ms']} ms; failing probes: {result['failed']}",
    ]
    if result["round_errors"]:
        lines.append(f"rounds that raised: {result['round_errors']}")
    lines.append("slowest probes (last check):")
    for probe in result["slowest"]:
        error = f" ({probe['error']})" if probe["error"] else ""
        lines.append(
            f"  {probe['probe']:<32} {probe['service']:<12} {probe['status']:<8} {probe['latency_ms']:.1f} ms{error}"
        )
    lines += [
        "",
        f"target: a round under {TARGET_ROUND_MS:.0f} ms at P95: {round_figures['p95_ms']:.1f} ms {result['verdict']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
