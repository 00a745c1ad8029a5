"""Warm-up: with AZORA_WARM_UP (set by `azora serve`/`run`/`worker`) the app loads the rails' models when it starts;
without it (tests, other commands) it loads nothing. The model itself is not loaded here."""

from __future__ import annotations

import pytest
from django.test import override_settings

from azora.constitution import apps
from azora.constitution.rails import detectors


@pytest.fixture
def warm_ups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(detectors, "warm_up", lambda: calls.append("warm_up"))
    return calls


@override_settings(AZORA_WARM_UP=True)
def test_a_serving_process_loads_the_models_once_at_start(warm_ups: list[str]) -> None:
    apps.warm_up_if_serving()

    assert warm_ups == ["warm_up"]


@override_settings(AZORA_WARM_UP=False)
def test_other_processes_load_nothing_at_start(warm_ups: list[str]) -> None:
    apps.warm_up_if_serving()

    assert warm_ups == []


def test_ready_runs_the_warm_up_hook(warm_ups: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps as registry

    hooked: list[str] = []
    monkeypatch.setattr(apps, "warm_up_if_serving", lambda: hooked.append("hook"))

    registry.get_app_config("constitution").ready()

    assert hooked == ["hook"]
    assert warm_ups == []
