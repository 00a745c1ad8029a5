"""Load generation for the benchmark: wrk with a reporting Lua script, or a small asyncio fallback."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPORT_SCRIPT = Path(__file__).resolve().parent / "report.lua"
RESULT_MARKER = "AZORA_BENCH_RESULT "

# A request mix: (path with query, Authorization header value or "") sent in turn instead of one URL, so that a
# run spreads over many queries or many signed-in people (the URL given beside it then names the server only).
Mix = Sequence[tuple[str, str]]


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


@dataclass
class Pace:
    """One client's schedule in a paced (open-loop) run: `rate` requests a second in all, spread evenly over the
    clients, each client's sends staggered so that they do not arrive together.

    A request is timed from when it was due, not from when it was sent, when its client was still waiting for the
    previous answer at that moment: a slow answer then counts for every request it held back (no coordinated
    omission, as in wrk2). A client that is on time is timed from the send, so the sleep's granularity is not
    counted as the server's latency.
    """

    interval: float
    due: float

    @classmethod
    def of(cls, number: int, *, clients: int, rate: float, began: float) -> Pace:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        interval = clients / rate
        return cls(interval=interval, due=began + number * interval / clients)

    def wait(self) -> float:
        """Sleeps until the next request is due (threads); the time its latency counts from."""
        now = time.perf_counter()
        if now < self.due:
            time.sleep(self.due - now)
            return time.perf_counter()
        return self.due  # the previous answer came after this request was due: the wait counts

    async def wait_async(self) -> float:
        now = time.perf_counter()
        if now < self.due:
            await asyncio.sleep(self.due - now)
            return time.perf_counter()
        return self.due

    def advance(self) -> None:
        self.due += self.interval


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


@contextlib.contextmanager
def _mix_file(mix: Mix | None) -> Iterator[dict[str, str]]:
    """The environment that hands report.lua a request mix (a temporary file of "path<TAB>authorization" lines)."""
    if not mix:
        yield {}
        return
    with tempfile.NamedTemporaryFile("w", prefix="azora-bench-mix-", suffix=".tsv") as handle:
        for path, authorization in mix:
            if "\t" in path or "\n" in path or "\n" in authorization:
                raise ValueError(f"a request of the mix cannot hold a tab or a newline: {path!r}")
            handle.write(f"{path}\t{authorization}\n")
        handle.flush()
        yield {"AZORA_BENCH_REQUESTS": handle.name}


def run_wrk(
    wrk: str,
    url: str,
    *,
    connections: int,
    threads: int,
    seconds: float,
    headers: dict[str, str],
    mix: Mix | None = None,
) -> LoadResult:
    """wrk on `url`, or on the requests of `mix` in turn (each thread from its own place in the list)."""
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
        "-s", str(REPORT_SCRIPT),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    with _mix_file(mix) as variables:
        environment = {**os.environ, **variables, "AZORA_BENCH_THREADS": str(threads)}
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False, env=environment
        )
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


def run_python(
    url: str, *, connections: int, seconds: float, headers: dict[str, str], mix: Mix | None = None
) -> LoadResult:
    """A keep-alive HTTP/1.1 load generator on asyncio, for machines without wrk: each connection sends its next
    request as soon as the last one is answered (a closed loop, as wrk does).

    It is much slower than wrk and shares the CPU with the server, so its figures are a floor.
    """
    return asyncio.run(_run(url, connections=connections, seconds=seconds, headers=headers, rate=None, mix=mix))


# A paced run follows a saturated one on the same server, whose workers still hold the requests the saturated
# load generator left queued when it stopped (64 x a request's time: 0.2-0.3 s measured on 27 November). The paced
# run waits this long first, so that its first requests are not timed behind that backlog.
SETTLE_SECONDS = 2.0


def run_paced(
    url: str,
    *,
    connections: int,
    rate: float,
    seconds: float,
    headers: dict[str, str],
    settle: float = SETTLE_SECONDS,
    mix: Mix | None = None,
) -> LoadResult:
    """`rate` requests a second in all over `connections` keep-alive connections (an open loop, see `Pace`):
    latency at a given load instead of at saturation, after `settle` seconds for the server to drain."""
    if rate <= 0:
        raise ValueError("the rate must be positive")
    time.sleep(settle)
    return asyncio.run(_run(url, connections=connections, seconds=seconds, headers=headers, rate=rate, mix=mix))


def _requests(url: str, headers: dict[str, str], mix: Mix | None) -> Iterator[bytes]:
    """The requests to send, in turn: `url`'s alone, or each of the mix (with its Authorization header)."""
    parts = urlsplit(url)
    host = f"{parts.hostname or '127.0.0.1'}:{parts.port or 80}"

    def encoded(target: str, extra: dict[str, str]) -> bytes:
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in {**headers, **extra}.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    if not mix:
        return itertools.repeat(encoded(parts.path + (f"?{parts.query}" if parts.query else ""), {}))
    return itertools.cycle(
        [encoded(path, {"Authorization": authorization} if authorization else {}) for path, authorization in mix]
    )


async def _run(
    url: str, *, connections: int, seconds: float, headers: dict[str, str], rate: float | None, mix: Mix | None = None
) -> LoadResult:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    # One sequence shared by the connections (one event loop, no lock needed): each request of a mix goes once
    # before any goes again.
    outgoing = _requests(url, headers, mix)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    # Every connection is open before the clock starts (as wrk does): opening 64 at once took up to 0.3 s here, and
    # a paced request due meanwhile would have counted that as the server's latency.
    opened = await asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(connections)))
    began = time.perf_counter()
    deadline = began + seconds

    async def one_connection(number: int) -> None:
        nonlocal errors
        reader, writer = opened[number]
        pace = Pace.of(number, clients=connections, rate=rate, began=began) if rate else None
        try:
            while (pace.due if pace else time.perf_counter()) < deadline:
                started = await pace.wait_async() if pace else time.perf_counter()
                writer.write(next(outgoing))
                code = await _response(reader)
                latencies.append(time.perf_counter() - started)
                statuses[code] = statuses.get(code, 0) + 1
                if pace:
                    pace.advance()
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(one_connection(number) for number in range(connections)))
    elapsed = time.perf_counter() - began
    return _result(
        "python-asyncio-paced" if rate else "python-asyncio",
        url,
        connections=connections,
        elapsed=elapsed,
        latencies=latencies,
        statuses=statuses,
        errors=errors,
    )


async def _response(reader: asyncio.StreamReader) -> str:
    """Reads one whole response (Content-Length framed, as the platform answers); its status code."""
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status_line.split()[1].decode() if status_line else "000"


def _result(
    tool: str,
    url: str,
    *,
    connections: int,
    elapsed: float,
    latencies: list[float],
    statuses: dict[str, int],
    errors: int,
) -> LoadResult:
    ordered = sorted(latencies) or [0.0]
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return LoadResult(
        tool=tool,
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
