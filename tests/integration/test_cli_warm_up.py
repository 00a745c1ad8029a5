"""The processes that take traffic load the rails' models at start: `azora serve`, `run` (web) and `worker` (tasks)
turn AZORA_WARM_UP on for them, and nothing else does. No process is started and no model is loaded here."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from azora import cli

VARIABLE = "AZORA_WARM_UP"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # setenv first so that the undo removes whatever a command under test puts into os.environ.
    monkeypatch.setenv(VARIABLE, "unset")
    monkeypatch.delenv(VARIABLE)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test"))


class Recorder:
    """Stands in for `_manage`, `_supervise` and `os.execv`: records the calls and AZORA_WARM_UP at each."""

    def __init__(self) -> None:
        self.managed: list[tuple[list[str], str | None]] = []
        self.supervised: list[tuple[dict[str, list[str]], dict[str, dict[str, str]]]] = []
        self.executed: list[tuple[list[str], str | None]] = []

    def manage(self, arguments: Sequence[str], settings: str | None = None) -> int:
        self.managed.append((list(arguments), os.environ.get(VARIABLE)))
        return 0

    def supervise(self, commands: dict[str, list[str]], environments: dict[str, dict[str, str]] | None = None) -> int:
        self.supervised.append((commands, environments or {}))
        return 0

    def execv(self, path: str, argv: list[str]) -> None:
        self.executed.append((argv, os.environ.get(VARIABLE)))


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recording = Recorder()
    monkeypatch.setattr(cli, "_manage", recording.manage)
    monkeypatch.setattr(cli, "_supervise", recording.supervise)
    monkeypatch.setattr(os, "execv", recording.execv)
    return recording


def test_serve_turns_warm_up_on_for_the_server_it_becomes(recorder: Recorder) -> None:
    cli.main(["serve", "--workers", "1"])

    [(argv, warm)] = recorder.executed
    assert (argv[5], warm) == ("config.wsgi:application", "1")


def test_serve_keeps_an_operators_choice(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "0")

    cli.main(["serve"])

    assert [warm for _argv, warm in recorder.executed] == ["0"]


def test_run_warms_the_web_process_but_not_its_migrate_and_demo_steps(recorder: Recorder) -> None:
    assert cli.main(["run"]) == 0

    assert [(arguments[0], warm) for arguments, warm in recorder.managed] == [("migrate", None), ("demo_data", None)]
    [(commands, environments)] = recorder.supervised
    assert set(commands) == {"web", "worker"}
    assert set(environments) == {"web"}  # the worker supervisor warms its own task process
    assert environments["web"][VARIABLE] == "1"
    assert VARIABLE not in os.environ


def test_worker_warms_the_task_process_and_not_the_scheduler(recorder: Recorder) -> None:
    cli.main(["worker"])

    [(commands, environments)] = recorder.supervised
    assert commands["tasks"][-4:] == ["manage", "db_worker", "--queue-name", "*"]
    assert set(environments) == {"tasks"}
    assert environments["tasks"][VARIABLE] == "1"
    assert VARIABLE not in os.environ


def test_worker_without_scheduler_warms_itself(recorder: Recorder) -> None:
    cli.main(["worker", "--no-scheduler"])

    assert recorder.managed == [(["db_worker", "--queue-name", "*"], "1")]


@pytest.mark.parametrize("command", [["migrate"], ["check"], ["demo-data"], ["scheduler"], ["manage", "shell"]])
def test_other_commands_leave_warm_up_off(recorder: Recorder, command: list[str]) -> None:
    cli.main(command)

    assert recorder.managed
    assert {warm for _arguments, warm in recorder.managed} == {None}
