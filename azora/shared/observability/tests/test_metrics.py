"""The /metrics endpoint: request counters and latency by route, exceptions, platform gauges and access control."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.tasks.base import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.shared.models import OutboxEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("azora.shared.observability.tests.urls")]


def scrape(client: Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_pattern_and_status(client: Client) -> None:
    before = scrape(client)

    for item_id in (1, 2, 3):
        client.get(f"/items/{item_id}")
    client.post("/items/4")
    client.get("/no-such-page")
    client.get("/also/missing")

    after = scrape(client)
    counted = "azora_http_requests_total"
    route = "items/<int:item_id>"
    assert (
        value(after, counted, method="GET", route=route, status="200")
        - value(before, counted, method="GET", route=route, status="200")
        == 3
    )
    assert (
        value(after, counted, method="POST", route=route, status="200")
        - value(before, counted, method="POST", route=route, status="200")
        == 1
    )
    assert (
        value(after, counted, method="GET", route="unmatched", status="404")
        - value(before, counted, method="GET", route="unmatched", status="404")
        == 2
    )
    assert not any("/items/1" in dict(labels).get("route", "") for _, labels in after)
    timed = "azora_http_request_duration_seconds_count"
    assert value(after, timed, method="GET", route=route) - value(before, timed, method="GET", route=route) == 3
    buckets = "azora_http_request_duration_seconds_bucket"
    assert (
        value(after, buckets, method="GET", route=route, le="+Inf")
        - value(before, buckets, method="GET", route=route, le="+Inf")
        == 3
    )


def test_static_file_requests_share_one_route(client: Client) -> None:
    before = scrape(client)

    client.get("/static/app/site.css")
    client.get("/static/other/file.js")

    after = scrape(client)
    counted = "azora_http_requests_total"
    labels = {"method": "GET", "route": "static", "status": "404"}
    assert value(after, counted, **labels) - value(before, counted, **labels) == 2


def test_unhandled_exceptions_are_counted_by_route() -> None:
    client = Client(raise_request_exception=False)
    before = scrape(client)

    client.get("/failing")
    client.get("/failing")

    after = scrape(client)
    exceptions = "azora_http_exceptions_total"
    assert value(after, exceptions, route="failing") - value(before, exceptions, route="failing") == 2
    requests = "azora_http_requests_total"
    labels = {"method": "GET", "route": "failing", "status": "500"}
    assert value(after, requests, **labels) - value(before, requests, **labels) == 2


def test_a_scrape_reads_the_database_and_the_task_queue(client: Client) -> None:
    now = timezone.now()
    for queue, status, minutes_ago in (
        ("default", TaskResultStatus.READY, 2),
        ("default", TaskResultStatus.READY, 5),
        ("emails", TaskResultStatus.READY, 3),
        ("default", TaskResultStatus.SUCCESSFUL, 90),
    ):
        task = DBTaskResult.objects.create(
            task_path="azora.example.task",
            queue_name=queue,
            status=status,
            run_after=now - timedelta(minutes=1),
            args_kwargs={"args": [], "kwargs": {}},
            priority=0,
            backend_name="default",
        )
        # enqueued_at is set on insert (auto_now_add); an update dates it back.
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - timedelta(minutes=minutes_ago))

    samples = scrape(client)

    assert value(samples, "azora_db_up") == 1
    assert value(samples, "azora_task_queue_depth", queue="default") == 2
    assert value(samples, "azora_task_queue_depth", queue="emails") == 1
    # The finished task (90 minutes old) does not count; the oldest waiting one was enqueued 5 minutes ago.
    assert 5 * 60 <= value(samples, "azora_task_oldest_waiting_seconds") < 90 * 60


def test_an_empty_queue_reports_zero(client: Client) -> None:
    samples = scrape(client)
    assert value(samples, "azora_task_queue_depth", queue="default") == 0
    assert value(samples, "azora_task_oldest_waiting_seconds") == 0


def test_a_public_caller_without_the_token_is_refused(client: Client, settings: SettingsWrapper) -> None:
    settings.AZORA_METRICS_TOKEN = "scrape-secret"
    response = client.get("/metrics", REMOTE_ADDR="8.8.8.8")
    assert response.status_code == 403
    assert response.json()["code"] == "metrics_forbidden"
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8", headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_a_public_caller_with_the_token_is_served(client: Client, settings: SettingsWrapper) -> None:
    settings.AZORA_METRICS_TOKEN = "scrape-secret"
    response = client.get("/metrics", REMOTE_ADDR="8.8.8.8", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200


def test_no_token_configured_means_no_token_accepted(client: Client, settings: SettingsWrapper) -> None:
    settings.AZORA_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8", headers={"Authorization": "Bearer "}).status_code == 403


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.7", "172.16.4.4"])
def test_loopback_and_private_callers_are_served(address: str, client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 200


def test_a_request_forwarded_by_an_untrusted_proxy_is_refused(client: Client, settings: SettingsWrapper) -> None:
    settings.AZORA_TRUSTED_PROXY_COUNT = 0
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "8.8.8.8"})
    assert response.status_code == 403


def test_behind_a_trusted_proxy_the_forwarded_address_decides(client: Client, settings: SettingsWrapper) -> None:
    settings.AZORA_TRUSTED_PROXY_COUNT = 1
    public = client.get("/metrics", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "10.9.9.9, 8.8.8.8"})
    private = client.get("/metrics", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "8.8.8.8, 10.9.9.9"})
    assert public.status_code == 403
    assert private.status_code == 200


def test_metrics_answer_only_safe_methods(client: Client) -> None:
    assert client.post("/metrics").status_code == 405


RECORD_REQUESTS = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
for _ in range({count}):
    client.get("/livez")
"""


def test_multiprocess_mode_sums_every_process(client: Client, settings: SettingsWrapper, tmp_path: Path) -> None:
    """Two server processes record into PROMETHEUS_MULTIPROC_DIR; one scrape reports their sum."""
    environment = {
        **os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }  # fmt: skip
    for count in (2, 3):
        subprocess.run(  # noqa: S603 -- our own interpreter running our own code
            [sys.executable, "-c", RECORD_REQUESTS.format(count=count)],
            env=environment, check=True, cwd=settings.BASE_DIR, capture_output=True,
        )  # fmt: skip
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)

    samples = scrape(client)

    assert value(samples, "azora_http_requests_total", method="GET", route="livez", status="200") == 5
    assert value(samples, "azora_http_request_duration_seconds_count", method="GET", route="livez") == 5
    assert value(samples, "azora_db_up") == 1


def test_a_scrape_reports_the_outbox(client: Client) -> None:
    now = timezone.now()
    for status, minutes_ago in (
        (OutboxEvent.Status.PENDING, 4), (OutboxEvent.Status.PENDING, 1), (OutboxEvent.Status.FAILED, 30),
        (OutboxEvent.Status.DISPATCHED, 60),
    ):  # fmt: skip
        OutboxEvent.objects.create(
            event_type="example.happened", payload={}, status=status, occurred_at=now - timedelta(minutes=minutes_ago)
        )

    samples = scrape(client)

    assert value(samples, "azora_outbox_pending_events") == 2
    assert value(samples, "azora_outbox_failed_events") == 1
    # The oldest pending event is 4 minutes old; failed and dispatched ones do not count towards the lag.
    assert 4 * 60 <= value(samples, "azora_outbox_lag_seconds") < 30 * 60


def test_an_empty_outbox_reports_zero(client: Client) -> None:
    samples = scrape(client)
    assert [value(samples, name) for name in OUTBOX_GAUGES] == [0, 0, 0]
    assert all((name, frozenset()) in samples for name in OUTBOX_GAUGES)


OUTBOX_GAUGES = ("azora_outbox_pending_events", "azora_outbox_failed_events", "azora_outbox_lag_seconds")
