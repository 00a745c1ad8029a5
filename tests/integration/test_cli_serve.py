"""`azora serve` builds the granian command line: WSGI with a few threads by default, ASGI on request."""

from __future__ import annotations

import sys

import pytest

from azora import cli


def test_serve_defaults_to_wsgi_with_four_threads_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZORA_SERVER_INTERFACE", "AZORA_WEB_THREADS", "AZORA_WEB_WORKERS"):
        monkeypatch.delenv(name, raising=False)

    args = cli.parser().parse_args(["serve", "--workers", "2"])
    command = cli._granian(args.host, args.port, args.workers, args.interface, args.threads)

    assert (args.interface, args.threads) == ("wsgi", 4)
    assert command[:6] == [sys.executable, "-m", "granian", "--interface", "wsgi", "config.wsgi:application"]
    assert command[command.index("--blocking-threads") + 1] == "4"
    assert command[command.index("--workers") + 1] == "2"


def test_serve_threads_and_interface_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZORA_WEB_THREADS", "8")
    monkeypatch.setenv("AZORA_SERVER_INTERFACE", "wsgi")

    args = cli.parser().parse_args(["serve"])
    command = cli._granian(args.host, args.port, 1, args.interface, args.threads)

    assert args.threads == 8
    assert command[command.index("--blocking-threads") + 1] == "8"


def test_serve_asgi_runs_without_lifespan_and_without_a_thread_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZORA_WEB_THREADS", raising=False)

    args = cli.parser().parse_args(["serve", "--interface", "asgi"])
    command = cli._granian(args.host, args.port, 1, args.interface, args.threads)

    assert command[3:6] == ["--interface", "asginl", "config.asgi:application"]
    assert "--blocking-threads" not in command
