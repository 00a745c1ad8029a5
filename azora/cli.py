"""The `azora` command: one entry point for running, serving, working, migrating and checking the platform."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

EMBEDDED = "config.settings.embedded"
PRODUCTION = "config.settings.production"


def _manage(arguments: Sequence[str], settings: str | None = None) -> int:
    """Runs a Django management command in this process and returns its exit status."""
    if settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", EMBEDDED)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["azora", *arguments])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


# WSGI threads per worker. Python runs one thread at a time per process, so threads beyond what it takes
# to cover database and cache waits only contend for the GIL: granian's default (hundreds) cost a third
# more CPU per request than 4 (docs/performance.md). Keep it at most AZORA_DB_POOL_MAX (default 8).
DEFAULT_WSGI_THREADS = 4


def _granian(host: str, port: int, workers: int, interface: str, threads: int = DEFAULT_WSGI_THREADS) -> list[str]:
    target = "config.asgi:application" if interface == "asgi" else "config.wsgi:application"
    # Django speaks no ASGI lifespan protocol; granian's `asginl` is ASGI without it.
    threads_option = ["--blocking-threads", str(threads)] if interface == "wsgi" else []
    interface = "asginl" if interface == "asgi" else interface
    return [
        sys.executable, "-m", "granian", "--interface", interface, target,
        "--host", host, "--port", str(port), "--workers", str(workers), *threads_option,
        "--no-ws", "--log-level", "warning",
    ]  # fmt: skip


# Processes that take traffic load their models at start (the constitution's rails; config AZORA_WARM_UP), so the
# first request does not wait for them. Only these commands turn it on; an operator's own value is kept.
WARM_UP = "AZORA_WARM_UP"


def _serving_environment() -> dict[str, str]:
    """This process's environment with AZORA_WARM_UP on, unless the operator set it."""
    return {**os.environ, WARM_UP: os.environ.get(WARM_UP, "1")}


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _supervise(commands: dict[str, list[str]], environments: dict[str, dict[str, str]] | None = None) -> int:
    """Starts each command (with its environment, if given; else this one); when one stops (or on Ctrl-C or
    SIGTERM) stops the others and returns its status."""
    # A container runtime stops the supervisor with SIGTERM: treat it like Ctrl-C so the children stop too.
    signal.signal(signal.SIGTERM, _interrupt)
    environments = environments or {}
    processes = {name: subprocess.Popen(command, env=environments.get(name)) for name, command in commands.items()}
    status = 0
    try:
        while True:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    print(f"azora: {name} stopped with status {code}", file=sys.stderr)
                    status = code
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # already stopping: a second SIGTERM must not cut it short
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return status


def command_run(args: argparse.Namespace) -> int:
    """Embedded all-in-one: migrate, load demo data, then serve with a task worker and the scheduler."""
    os.environ["DJANGO_SETTINGS_MODULE"] = EMBEDDED
    for step in (["migrate", "--no-input", "-v", "0"], ["demo_data"]):
        if status := _manage(step):
            return status
    print(f"azora: serving on http://{args.host}:{args.port}  (Ctrl-C stops)", file=sys.stderr)
    manage = [sys.executable, "-m", "azora.cli"]
    return _supervise(
        {
            "web": _granian(args.host, args.port, 1, "wsgi"),
            "worker": [*manage, "worker"],  # warms its task process itself
        },
        {"web": _serving_environment()},
    )


def command_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION)
    os.environ.setdefault(WARM_UP, "1")  # each granian worker loads the models as it loads the app, before traffic
    command = _granian(args.host, args.port, args.workers, args.interface, args.threads)
    os.execv(command[0], command)
    return 0  # pragma: no cover -- execv does not return


def command_worker(args: argparse.Namespace) -> int:
    """Runs queued tasks; with the scheduler (default) also enqueues periodic jobs when they fall due."""
    settings = os.environ.setdefault("DJANGO_SETTINGS_MODULE", EMBEDDED)
    if args.no_scheduler:
        os.environ.setdefault(WARM_UP, "1")  # this process runs the tasks
        return _manage(["db_worker", "--queue-name", "*"], settings)
    manage = [sys.executable, "-m", "azora.cli"]
    return _supervise(
        {
            "tasks": [*manage, "manage", "db_worker", "--queue-name", "*"],
            "scheduler": [*manage, "scheduler"],  # only enqueues jobs: no models to load
        },
        {"tasks": _serving_environment()},
    )


def command_scheduler(args: argparse.Namespace) -> int:
    return _manage(["run_scheduler"])


def command_migrate(args: argparse.Namespace) -> int:
    return _manage(["migrate", "--no-input"])


def command_demo_data(args: argparse.Namespace) -> int:
    return _manage(["demo_data"])


def command_check(args: argparse.Namespace) -> int:
    """System checks (deploy checks in production) then the readiness probes."""
    deploy = ["--deploy"] if os.environ.get("DJANGO_SETTINGS_MODULE") == PRODUCTION else []
    return _manage(["check", *deploy]) or _manage(["health_check"])


def command_manage(args: argparse.Namespace) -> int:
    return _manage(args.arguments)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="azora", description="Run and operate the Azora platform.")
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="embedded all-in-one: migrate, demo data, web + worker")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(handler=command_run)

    serve = commands.add_parser("serve", help="production web server (granian; WSGI, or ASGI)")
    serve.add_argument("--host", default=os.environ.get("AZORA_HOST", "0.0.0.0"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("AZORA_PORT", "8000")))
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("AZORA_WEB_WORKERS", str(os.cpu_count() or 1)))
    )
    # WSGI by default: with today's synchronous views it serves 3-5x the requests of ASGI on the same
    # cores (docs/decisions/0007-server-interface.md); ASGI is there for the streaming work to come.
    serve.add_argument(
        "--interface", choices=("asgi", "wsgi"), default=os.environ.get("AZORA_SERVER_INTERFACE", "wsgi")
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("AZORA_WEB_THREADS", str(DEFAULT_WSGI_THREADS))),
        help=f"WSGI threads per worker (default {DEFAULT_WSGI_THREADS}; at most AZORA_DB_POOL_MAX)",
    )
    serve.set_defaults(handler=command_serve)

    worker = commands.add_parser("worker", help="background task worker (and periodic-job scheduler)")
    worker.add_argument("--no-scheduler", action="store_true", help="run tasks only")
    worker.set_defaults(handler=command_worker)

    commands.add_parser("scheduler", help="periodic-job scheduler only").set_defaults(handler=command_scheduler)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=command_migrate)
    commands.add_parser("demo-data", help="load the demo data (idempotent)").set_defaults(handler=command_demo_data)
    commands.add_parser("check", help="system checks and readiness probes").set_defaults(handler=command_check)
    commands.add_parser("verify-audit", help="verify the audit trail's hash chain").set_defaults(
        handler=lambda args: _manage(["verify_audit"])
    )

    manage = commands.add_parser("manage", help="any Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=command_manage)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
