"""Alerts: deduplication, flap suppression, the repeat interval, email and signed-webhook deliveries, a webhook
that times out or answers 5xx (a failed delivery retried with backoff, never an exception), alert channels."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

import azora.security.public as security
from azora.accounts.tests.factories import UserFactory
from azora.health import alerts
from azora.health.errors import AlertChannelManaged, AlertChannelNotFound, InvalidAlertChannel
from azora.health.models import Alert, AlertChannel, AlertDelivery
from azora.health.tests.factories_incidents import AlertChannelFactory
from azora.health.tests.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def fire(at: dt.datetime, *, key: str = "probe_down:cache", summary: str = "cache is down") -> Alert:
    return alerts.alert_fire(key=key, rule="probe_down", service="platform", severity="page", summary=summary, now=at)


def subjects() -> list[str]:
    return [str(message.subject) for message in mail.outbox]


def test_a_firing_alert_is_deduplicated_by_key(django_capture_on_commit_callbacks: Any) -> None:
    AlertChannelFactory(target="oncall@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        fire(NOW)
    with django_capture_on_commit_callbacks(execute=True):
        fire(NOW + dt.timedelta(minutes=1), summary="cache is down: still")
    alert = Alert.objects.get()
    assert (alert.summary, alert.started_at, alert.last_notified_at, alert.flaps) == (
        "cache is down: still", NOW, NOW, 0,
    )  # fmt: skip
    assert subjects() == ["[Azora FIRING] cache is down"]
    assert mail.outbox[0].to == ["oncall@example.com"]


@override_settings(AZORA_HEALTH_ALERT_EMAILS=["ops@example.com", "cto@example.com"])
def test_configured_addresses_are_channels_operators_cannot_delete(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        fire(NOW)
    assert sorted(m.to[0] for m in mail.outbox) == ["cto@example.com", "ops@example.com"]
    channel = AlertChannel.objects.get(target="ops@example.com")
    assert channel.name == alerts.SETTINGS_CHANNEL_NAME
    with pytest.raises(AlertChannelManaged):
        alerts.alert_channel_delete(actor_id=UserFactory().id, channel_id=channel.id)
    assert AlertChannel.objects.count() == 2


@override_settings(AZORA_HEALTH_FLAP_LIMIT=2)
def test_a_flapping_alert_is_told_once_then_quiet_until_it_settles(django_capture_on_commit_callbacks: Any) -> None:
    AlertChannelFactory(target="oncall@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for minute in range(6):
            at = NOW + dt.timedelta(minutes=minute)
            if minute % 2 == 0:
                fire(at)
            else:
                alerts.alert_resolve(key="probe_down:cache", now=at)
    assert subjects() == [
        "[Azora FIRING] cache is down",
        "[Azora RESOLVED] cache is down",
        "[Azora FIRING] cache is down",
        "[Azora RESOLVED] cache is down",  # the fourth change: flapping, said in the text
    ]
    assert "flapping" in mail.outbox[3].body
    assert Alert.objects.get().flaps == 5
    assert AlertDelivery.objects.filter(status="suppressed").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alerts_settle(now=NOW + dt.timedelta(minutes=30)) == 0
        assert alerts.alerts_settle(now=NOW + dt.timedelta(minutes=66)) == 1
    assert Alert.objects.get().flaps == 0
    assert subjects()[-1] == "[Azora RESOLVED] cache is down"
    assert "settled" in mail.outbox[-1].body


@override_settings(AZORA_HEALTH_ALERT_REPEAT_MINUTES=240)
def test_a_firing_alert_is_repeated_after_the_repeat_interval(django_capture_on_commit_callbacks: Any) -> None:
    AlertChannelFactory(target="oncall@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        fire(NOW)
        assert alerts.alerts_repeat_due(now=NOW + dt.timedelta(hours=1)) == 0
        assert alerts.alerts_repeat_due(now=NOW + dt.timedelta(hours=4)) == 1
        assert alerts.alerts_repeat_due(now=NOW + dt.timedelta(hours=5)) == 0
    assert subjects() == ["[Azora FIRING] cache is down"] * 2
    assert Alert.objects.get().last_notified_at == NOW + dt.timedelta(hours=4)


def test_a_webhook_gets_a_signed_slack_compatible_body(django_capture_on_commit_callbacks: Any) -> None:
    with webhook_receiver() as receiver:
        view, secret = alerts.alert_channel_create(
            actor_id=UserFactory().id, name="Slack", kind="webhook", target=receiver.url
        )
        with django_capture_on_commit_callbacks(execute=True):
            fire(NOW)
        [request] = receiver.received
    body = json.loads(request.body)
    assert body["text"] == "[FIRING] cache is down"
    assert [block["type"] for block in body["blocks"]] == ["header", "section", "context"]
    timestamp, signature = (part.split("=", 1)[1] for part in request.headers["X-Azora-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert signature == expected
    assert len(secret) == 64
    assert AlertDelivery.objects.get().status == "sent"
    assert view.kind == "webhook"


@override_settings(AZORA_HEALTH_WEBHOOK_TIMEOUT_SECONDS=0.2)
def test_a_webhook_that_times_out_is_a_failed_delivery_retried_with_backoff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with webhook_receiver() as receiver:
        AlertChannelFactory(kind="webhook", target=receiver.url, signing_secret="s3cret-value")
        receiver.hold = True
        with django_capture_on_commit_callbacks(execute=True):
            alert = fire(NOW)  # no exception out of the monitor
        delivery = AlertDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "timeout")
        assert alert.status == "firing"
        receiver.release.set()
        receiver.hold = False

        attempted_at = delivery.updated_at
        assert alerts.alert_deliveries_due(now=attempted_at + dt.timedelta(seconds=30)) == []
        assert alerts.alert_deliveries_retry(now=attempted_at + dt.timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert "s3cret-value" not in json.dumps([r.body.decode() for r in receiver.received])


def test_a_webhook_answering_500_fails_until_its_attempts_run_out(django_capture_on_commit_callbacks: Any) -> None:
    with webhook_receiver() as receiver:
        receiver.status = 500
        AlertChannelFactory(kind="webhook", target=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            fire(NOW)
        delivery = AlertDelivery.objects.get()
        at = delivery.updated_at
        for _ in range(alerts.MAX_ATTEMPTS + 2):
            at += alerts.BACKOFF_MAX
            alerts.alert_deliveries_retry(now=at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", alerts.MAX_ATTEMPTS, "HTTP 500")
    assert len(receiver.received) == alerts.MAX_ATTEMPTS
    assert alerts.alert_deliveries_due(now=at + dt.timedelta(days=1)) == []


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [alerts.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_an_unreachable_webhook_is_a_failed_delivery() -> None:
    channel = AlertChannelFactory(kind="webhook", target="http://127.0.0.1:9/hook")
    message = alerts.alert_message(Alert(key="k", rule="r", service="s", summary="x", started_at=NOW), event="firing")
    assert alerts.send_to_channel(channel, message, now=NOW) == "connection failed (ConnectError)"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "pigeon"}, "kind"),
        ({"kind": "email", "target": "not-an-address"}, "target"),
        ({"kind": "webhook", "target": "ftp://example.com/hook"}, "target"),
        ({"kind": "webhook", "target": ""}, "target"),
        ({"name": " "}, "name"),
        ({"name": alerts.SETTINGS_CHANNEL_NAME}, "name"),
    ],
)
def test_a_bad_channel_is_refused_and_saves_nothing(fields: dict[str, str], field: str) -> None:
    arguments = {"name": "Ops", "kind": "webhook", "target": "https://hooks.example.com/x"} | fields
    with pytest.raises(InvalidAlertChannel) as raised:
        alerts.alert_channel_create(actor_id=UserFactory().id, **arguments)
    assert [error["field"] for error in raised.value.extra["errors"]] == [field]
    assert AlertChannel.objects.count() == 0


def test_channels_are_listed_without_secrets_tested_and_deleted_audited() -> None:
    operator = UserFactory()
    with webhook_receiver() as receiver:
        receiver.status = 503
        view, secret = alerts.alert_channel_create(
            actor_id=operator.id, name="Hook", kind="webhook", target=receiver.url
        )
        assert alerts.alert_channel_test(actor_id=operator.id, channel_id=view.id) == "HTTP 503"
        receiver.status = 204
        assert alerts.alert_channel_test(actor_id=operator.id, channel_id=view.id) == "sent"
    email, no_secret = alerts.alert_channel_create(
        actor_id=operator.id, name="Ops mail", kind="email", target="ops@example.com"
    )
    assert no_secret == ""
    listed = alerts.alert_channel_list()
    assert [(c.name, c.kind) for c in listed] == [("Hook", "webhook"), ("Ops mail", "email")]
    assert secret not in repr(listed)
    alerts.alert_channel_delete(actor_id=operator.id, channel_id=email.id)
    with pytest.raises(AlertChannelNotFound):
        alerts.alert_channel_delete(actor_id=operator.id, channel_id=uuid.uuid4())
    records = security.audit_list(limit=10).items
    assert [r.action for r in records] == [
        "health.alert_channel_deleted",
        "health.alert_channel_created",
        "health.alert_channel_tested",
        "health.alert_channel_tested",
        "health.alert_channel_created",
    ]
    assert secret not in json.dumps([r.detail for r in records])


def test_alert_pages_filter_by_status() -> None:
    fire(NOW, key="a")
    fire(NOW + dt.timedelta(minutes=1), key="b")
    alerts.alert_resolve(key="a", now=NOW + dt.timedelta(minutes=2))
    assert [a.key for a in alerts.alert_page(status="firing").items] == ["b"]
    page = alerts.alert_page(limit=1)
    assert [a.key for a in page.items] == ["b"]
    assert [a.key for a in alerts.alert_page(limit=1, cursor=page.next_cursor).items] == ["a"]
    assert timezone.is_aware(alerts.alert_list()[0].started_at)


def test_the_alert_jobs_are_scheduled_every_minute_and_run() -> None:
    from azora.health import jobs_alerts
    from azora.shared.scheduling import discover_jobs

    every = {job.name: job.every for job in discover_jobs()}
    assert every["health.evaluate_alerts"] == dt.timedelta(minutes=1)
    assert every["health.retry_alert_deliveries"] == dt.timedelta(minutes=1)
    assert jobs_alerts.evaluate_alerts_task.call() == {"slos": 17, "repeated": 0, "settled": 0}
    assert jobs_alerts.retry_alert_deliveries_task.call() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rounds_firing_one_new_alert_at_once_make_one_alert_and_one_notification() -> None:
    from django.db import transaction

    from azora.shared.testing.concurrency import race_errors

    AlertChannelFactory(target="oncall@example.com")

    def round_fires() -> None:
        with transaction.atomic():
            fire(NOW)

    assert race_errors(round_fires, round_fires) == [None, None]
    assert Alert.objects.count() == 1
    assert AlertDelivery.objects.count() == 1
