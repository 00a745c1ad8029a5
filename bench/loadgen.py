"""Load generation for the benchmark: wrk with a reporting Lua script, or a small asyncio fallback."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPORT_SCRIPT = Path(__file__).resolve().parent / "report.lua"
RESULT_MARKER = "AZORA_BENCH_RESULT "


@dataclass(frozen=True)
class LoadResult:
    """What one fixed-duration run at a fixed concurrency measured (latencies in milliseconds)."""

    tool: str
    url: str
    connections: int
    duration_s: float
    requests: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wrk_available() -> str | None:
    """The wrk binary; installs Debian's package when missing and running as root, else None."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing; installing it with apt-get (Debian's wrk package)")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=environment, check=False)
        return shutil.which("wrk")
    return None


def run_wrk(
    wrk: str, url: str, *, connections: int, threads: int, seconds: float, headers: dict[str, str]
) -> LoadResult:
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
        "-s", str(REPORT_SCRIPT),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    lines = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip() or completed.stdout}")
    data = json.loads(lines[-1].removeprefix(RESULT_MARKER))
    statuses = {str(code): int(count) for code, count in data["statuses"].items()}
    latency = data["latency_us"]
    errors = data["errors"]
    duration = data["duration_us"] / 1_000_000
    return LoadResult(
        tool="wrk",
        url=url,
        connections=connections,
        duration_s=round(duration, 3),
        requests=data["requests"],
        requests_per_second=round(data["requests"] / duration, 1),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        non_2xx=sum(count for code, count in statuses.items() if not code.startswith("2")),
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        statuses=statuses,
    )


def run_python(url: str, *, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    """A keep-alive HTTP/1.1 load generator on asyncio, for machines without wrk.

    It is much slower than wrk and shares the CPU with the server, so its figures are a floor.
    """
    return asyncio.run(_run_python(url, connections=connections, seconds=seconds, headers=headers))


async def _run_python(url: str, *, connections: int, seconds: float, headers: dict[str, str]) -> LoadResult:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    deadline = time.perf_counter() + seconds

    async def one_connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                code = status_line.split()[1].decode() if status_line else "000"
                statuses[code] = statuses.get(code, 0) + 1
        except (OSError, asyncio.IncompleteReadError, IndexError):
            errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return LoadResult(
        tool="python-asyncio",
        url=url,
        connections=connections,
        duration_s=round(elapsed, 3),
        requests=len(latencies),
        requests_per_second=round(len(latencies) / elapsed, 1),
        p50_ms=round(cuts[49] * 1000, 3),
        p95_ms=round(cuts[94] * 1000, 3),
        p99_ms=round(cuts[98] * 1000, 3),
        max_ms=round(ordered[-1] * 1000, 3),
        non_2xx=sum(count for code, count in statuses.items() if not code.startswith("2")),
        socket_errors=errors,
        statuses=statuses,
    )
