"""Liveness and readiness: the endpoints, the built-in checks, registered probes and the health_check command."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.test import Client

from azora.health import checks
from azora.health.public import ProbeResult, register_probe, run_readiness, unregister_probe

BUILT_IN = ["database", "cache", "migrations", "task_queue"]


@pytest.fixture
def probe() -> Iterator[Callable[..., None]]:
    """Registers probes for one test and removes them after."""
    names: list[str] = []

    def register(name: str, check: Callable[[], ProbeResult | None], *, critical: bool = True) -> None:
        register_probe(name, check, critical=critical, readiness=True)
        names.append(name)

    yield register
    for name in names:
        unregister_probe(name)


def broken_dependency() -> ProbeResult | None:
    raise ConnectionError("search index unreachable\nsecond line is not shown")


@pytest.mark.django_db
def test_livez_answers_ok_without_touching_the_database(client: Client, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_every_dependency_answers(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == BUILT_IN
    for name in BUILT_IN:
        assert set(body["checks"][name]) == {"status", "latency_ms"}
        assert body["checks"][name]["status"] == "ok"
        assert isinstance(body["checks"][name]["latency_ms"], float)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_postgresql_and_redis(client: Client) -> None:
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "azora.shared.cache.RedisCache"
    assert client.get("/readyz").json()["status"] == "ok"


@pytest.mark.django_db
def test_a_failing_critical_probe_makes_readyz_503(client: Client, probe: Callable[..., None]) -> None:
    probe("search", broken_dependency)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["search"]["status"] == "fail"
    assert body["checks"]["search"]["error"] == "ConnectionError: search index unreachable"
    assert {name: body["checks"][name]["status"] for name in BUILT_IN} == dict.fromkeys(BUILT_IN, "ok")


@pytest.mark.django_db
def test_a_failing_non_critical_probe_shows_but_keeps_readyz_ok(client: Client, probe: Callable[..., None]) -> None:
    probe("recommendations", lambda: ProbeResult.failed("model not loaded"), critical=False)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    check = response.json()["checks"]["recommendations"]
    assert (check["status"], check["critical"], check["error"]) == ("fail", False, "model not loaded")


@pytest.mark.django_db
def test_a_probe_returning_none_or_ok_passes(probe: Callable[..., None]) -> None:
    probe("quiet", lambda: None)
    probe("explicit", lambda: ProbeResult(ok=True))

    report = run_readiness()

    assert report.is_ready
    assert [(check.name, check.status) for check in report.checks][-2:] == [("quiet", "ok"), ("explicit", "ok")]


def test_a_probe_name_registers_once(probe: Callable[..., None]) -> None:
    probe("unique", lambda: None)
    with pytest.raises(ValueError, match="'unique' is already registered"):
        register_probe("unique", lambda: None)


@pytest.mark.django_db
def test_unapplied_migrations_fail_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setitem(checks._migrations, "all_applied", False)
    latest = MigrationRecorder.Migration.objects.filter(app="django_tasks_database").order_by("-id").first()
    assert latest is not None
    latest.delete()  # the database now looks as if that migration had never run

    result = checks.migrations_applied()

    assert result == ProbeResult.failed("1 migration(s) not applied")
    assert checks._migrations["all_applied"] is False


@pytest.mark.django_db
def test_applied_migrations_are_remembered(monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: object) -> None:
    monkeypatch.setitem(checks._migrations, "all_applied", False)
    assert checks.migrations_applied() is None
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert checks.migrations_applied() is None


@pytest.mark.django_db
def test_health_check_command_prints_the_report() -> None:
    out = io.StringIO()
    call_command("health_check", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[:2] for line in lines[:-1]] == [[name, "ok"] for name in BUILT_IN]
    assert lines[-1] == "readiness: ok"


@pytest.mark.django_db
def test_health_check_command_exits_non_zero_on_failure(probe: Callable[..., None]) -> None:
    probe("search", broken_dependency)
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("health_check", "--json", stdout=out)

    assert exit_info.value.code == 1
    report = json.loads(out.getvalue())
    assert report["status"] == "fail"
    assert report["checks"]["search"] == {
        "status": "fail", "latency_ms": report["checks"]["search"]["latency_ms"],
        "error": "ConnectionError: search index unreachable",
    }  # fmt: skip
