"""Alerts: firing and resolving deduplicated alerts, flap suppression, the repeat interval, silencing by
maintenance, and their delivery by email and signed webhook (Slack-compatible JSON), retried with backoff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

import azora.security.public as security
from azora.health import maintenance
from azora.health.errors import AlertChannelManaged, AlertChannelNotFound, InvalidAlertChannel
from azora.health.models import Alert, AlertChannel, AlertDelivery, AlertStatus
from azora.health.operator_input import clean_title, invalid
from azora.health.public.status import AlertChannelView, AlertView
from azora.shared.pagination import Page, paginate_queryset

logger = structlog.get_logger(__name__)

# Channels made from the AZORA_HEALTH_ALERT_EMAILS setting carry this name; operators change the setting.
SETTINGS_CHANNEL_NAME = "AZORA_HEALTH_ALERT_EMAILS"
FLAP_WINDOW = dt.timedelta(hours=1)
MAX_ATTEMPTS = 6
# Backoff after the n-th failed attempt: 1, 2, 4, 8, 16 minutes (capped at an hour).
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
# A delivery still "pending" this long after its last claim was lost (a worker stopped): it is tried again.
STUCK_AFTER = dt.timedelta(minutes=10)
SIGNATURE_HEADER = "X-Azora-Signature"
MAX_TARGET = 500


# --- firing and resolving ------------------------------------------------------------------------------------


def _flap_limit() -> int:
    return int(settings.AZORA_HEALTH_FLAP_LIMIT)


def _last_change_at(alert: Alert) -> dt.datetime:
    return alert.resolved_at if alert.status == AlertStatus.RESOLVED and alert.resolved_at else alert.started_at


def _count_change(alert: Alert, *, now: dt.datetime) -> None:
    """Counts a fire/resolve change; changes more than an hour apart start the count again."""
    alert.flaps = alert.flaps + 1 if now - _last_change_at(alert) < FLAP_WINDOW else 1


def is_flapping(alert: Alert) -> bool:
    return alert.flaps > _flap_limit()


def alert_fire(*, key: str, rule: str, service: str, severity: str, summary: str, now: dt.datetime) -> Alert:
    """Fires the alert `key` (deduplicated: a firing one is only updated), notifying its channels unless the
    service is in maintenance or the alert is flapping. Runs in the caller's transaction; sending is after commit."""
    summary = summary[:300]
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(key=key).first()
        if alert is None:
            created = _alert_create(key=key, rule=rule, service=service, severity=severity, summary=summary, now=now)
            if created is not None:
                _notify(created, event=AlertStatus.FIRING, now=now)
                return created
            # Another process made it between our read and our insert: it is firing and was notified there.
            alert = Alert.objects.select_for_update().get(key=key)
        if alert.status == AlertStatus.FIRING:
            Alert.objects.filter(pk=alert.pk).update(summary=summary, severity=severity, updated_at=now)
            return alert
        _count_change(alert, now=now)
        alert.status, alert.started_at, alert.resolved_at = AlertStatus.FIRING, now, None
        alert.summary, alert.severity, alert.rule, alert.service = summary, severity, rule, service
        alert.save()
        _notify_change(alert, event=AlertStatus.FIRING, now=now)
        return alert


def _alert_create(*, key: str, rule: str, service: str, severity: str, summary: str, now: dt.datetime) -> Alert | None:
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves the caller's transaction usable
            return Alert.objects.create(
                key=key, rule=rule, service=service, severity=severity, summary=summary, started_at=now
            )
    except IntegrityError:
        return None


def alert_resolve(*, key: str, now: dt.datetime) -> Alert | None:
    """Resolves the alert `key` if it is firing; its channels hear of it if they heard it fire."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(key=key, status=AlertStatus.FIRING).first()
        if alert is None:
            return None
        was_notified = alert.last_notified_at is not None
        _count_change(alert, now=now)
        alert.status, alert.resolved_at = AlertStatus.RESOLVED, now
        alert.save()
        if was_notified:
            _notify_change(alert, event=AlertStatus.RESOLVED, now=now)
        return alert


def _notify_change(alert: Alert, *, event: str, now: dt.datetime) -> None:
    """A flapping alert is told once (when it starts flapping), then stays quiet until it settles."""
    if alert.flaps == _flap_limit() + 1:
        _notify(alert, event=event, now=now, note=gettext("flapping: notifications pause until it settles"))
    elif is_flapping(alert):
        _record_suppressed(alert, event=event)
    else:
        _notify(alert, event=event, now=now)


def _notify(alert: Alert, *, event: str, now: dt.datetime, note: str = "") -> None:
    if maintenance.is_silenced(service=alert.service, now=now):
        _record_suppressed(alert, event=event)
        return
    channels = _delivery_channels()
    deliveries = AlertDelivery.objects.bulk_create(
        [AlertDelivery(alert=alert, channel=channel, event=event, last_error=note[:300]) for channel in channels]
    )
    # last_error carries a note for the message until the first attempt; it is cleared on success.
    Alert.objects.filter(pk=alert.pk).update(last_notified_at=now)
    alert.last_notified_at = now
    ids = [delivery.id for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue_deliveries(ids))


def _record_suppressed(alert: Alert, *, event: str) -> None:
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(alert=alert, channel=channel, event=event, status=AlertDelivery.Status.SUPPRESSED)
            for channel in _delivery_channels()
        ]
    )


def _enqueue_deliveries(ids: list[uuid.UUID]) -> None:
    from azora.health.jobs_alerts import deliver_alert_task

    for delivery_id in ids:
        try:
            deliver_alert_task.enqueue(str(delivery_id))
        except Exception:  # the retry job picks up what could not be enqueued; the monitor goes on
            logger.exception("alert_delivery_enqueue_failed", delivery_id=str(delivery_id))


def _delivery_channels() -> list[AlertChannel]:
    """Enabled channels, with one email channel per address in AZORA_HEALTH_ALERT_EMAILS (made on first use)."""
    for address in settings.AZORA_HEALTH_ALERT_EMAILS:
        AlertChannel.objects.get_or_create(
            name=SETTINGS_CHANNEL_NAME, kind=AlertChannel.Kind.EMAIL, target=address.strip()[:MAX_TARGET]
        )
    return list(AlertChannel.objects.filter(enabled=True).order_by("name", "id"))


# --- periodic upkeep -----------------------------------------------------------------------------------------


def alerts_repeat_due(*, now: dt.datetime) -> int:
    """Notifies again each firing alert quiet for the repeat interval (or never notified, as after a maintenance
    window), unless it is flapping or still silenced. Returns how many were notified."""
    repeat = dt.timedelta(minutes=int(settings.AZORA_HEALTH_ALERT_REPEAT_MINUTES))
    due = Alert.objects.filter(status=AlertStatus.FIRING, flaps__lte=_flap_limit()).filter(
        Q(last_notified_at__isnull=True) | Q(last_notified_at__lte=now - repeat)
    )
    notified = 0
    for alert_id in due.values_list("id", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=alert_id)
            if maintenance.is_silenced(service=alert.service, now=now):
                continue
            _notify(alert, event=AlertStatus.FIRING, now=now)
            notified += 1
    return notified


def alerts_settle(*, now: dt.datetime) -> int:
    """A flapping alert with no change for an hour has settled: its count restarts and its channels hear its
    current state once. Returns how many settled."""
    settled = 0
    for alert_id in Alert.objects.filter(flaps__gt=_flap_limit()).values_list("id", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=alert_id)
            if now - _last_change_at(alert) < FLAP_WINDOW:
                continue
            alert.flaps = 0
            alert.save(update_fields=["flaps", "updated_at"])
            _notify(alert, event=alert.status, now=now, note=gettext("settled after flapping"))
            settled += 1
    return settled


# --- delivery ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertMessage:
    subject: str
    text: str
    body: dict[str, Any]


def alert_message(alert: Alert, *, event: str, note: str = "") -> AlertMessage:
    """The words of an alert: an email's subject and text, and the Slack-compatible webhook body."""
    state = "RESOLVED" if event == AlertStatus.RESOLVED else "FIRING"
    headline = f"[{state}] {alert.summary}"
    if note:
        headline = f"{headline} ({note})"
    details = f"Service: {alert.service}\nSeverity: {alert.severity}\nRule: {alert.rule}\nKey: {alert.key}"
    since = f"Since: {alert.started_at.isoformat()}"
    if event == AlertStatus.RESOLVED and alert.resolved_at:
        since = f"{since}\nResolved: {alert.resolved_at.isoformat()}"
    body: dict[str, Any] = {
        "text": headline,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": headline[:150]}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*Service*\n{alert.service}"},
                    {"type": "mrkdwn", "text": f"*Severity*\n{alert.severity}"},
                    {"type": "mrkdwn", "text": f"*Rule*\n{alert.rule}"},
                    {"type": "mrkdwn", "text": f"*Status*\n{state.lower()}"},
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{alert.key} · {since}"}]},
        ],
    }
    return AlertMessage(
        subject=f"[Azora {state}] {alert.summary}"[:200], text=f"{headline}\n\n{details}\n{since}\n", body=body
    )


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The X-Azora-Signature value: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _webhook_timeout() -> float:
    return float(settings.AZORA_HEALTH_WEBHOOK_TIMEOUT_SECONDS)


def send_to_channel(channel: AlertChannel, message: AlertMessage, *, now: dt.datetime) -> str:
    """Sends one message; returns "sent" or a short reason it failed. Never raises: a channel's failure is a
    failed delivery, never the monitor's crash. The reason never holds the signing secret or the URL."""
    try:
        if channel.kind == AlertChannel.Kind.EMAIL:
            EmailMessage(subject=message.subject, body=message.text, to=[channel.target]).send()
            return "sent"
        body = json.dumps(message.body, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if channel.signing_secret:
            headers[SIGNATURE_HEADER] = webhook_signature(
                secret=channel.signing_secret, timestamp=int(now.timestamp()), body=body
            )
        response = httpx.post(channel.target, content=body, headers=headers, timeout=_webhook_timeout())
    except httpx.TimeoutException:
        return "timeout"
    except httpx.HTTPError as error:
        return f"connection failed ({type(error).__name__})"
    except Exception as error:  # SMTP errors and anything else a channel throws
        logger.warning("alert_delivery_failed", channel_id=str(channel.id), error_type=type(error).__name__)
        return f"failed ({type(error).__name__})"
    if response.status_code >= 300:
        return f"HTTP {response.status_code}"
    return "sent"


def backoff(attempts: int) -> dt.timedelta:
    delay: dt.timedelta = BACKOFF_BASE * 2 ** max(attempts - 1, 0)
    return min(delay, BACKOFF_MAX)


def alert_delivery_attempt(*, delivery_id: uuid.UUID, now: dt.datetime | None = None) -> str | None:
    """Claims and tries one delivery (pending, or failed with attempts left); returns its new status, or None
    when it was not due or another worker claimed it first. Updated_at marks the last attempt."""
    now = now or timezone.now()
    delivery = AlertDelivery.objects.select_related("alert", "channel").filter(pk=delivery_id).first()
    if delivery is None or delivery.status not in (AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED):
        return None
    if delivery.attempts >= MAX_ATTEMPTS:
        return None
    claimed = AlertDelivery.objects.filter(pk=delivery.pk, status=delivery.status, attempts=delivery.attempts).update(
        status=AlertDelivery.Status.PENDING, attempts=delivery.attempts + 1, updated_at=now
    )
    if not claimed:
        return None
    note = delivery.last_error if delivery.attempts == 0 else ""
    outcome = send_to_channel(delivery.channel, alert_message(delivery.alert, event=delivery.event, note=note), now=now)
    if outcome == "sent":
        AlertDelivery.objects.filter(pk=delivery.pk).update(
            status=AlertDelivery.Status.SENT, sent_at=now, last_error="", updated_at=now
        )
        return AlertDelivery.Status.SENT
    AlertDelivery.objects.filter(pk=delivery.pk).update(
        status=AlertDelivery.Status.FAILED, last_error=outcome[:300], updated_at=now
    )
    logger.warning("alert_delivery_failed", delivery_id=str(delivery.pk), reason=outcome, attempt=delivery.attempts + 1)
    return AlertDelivery.Status.FAILED


def alert_deliveries_due(*, now: dt.datetime) -> list[uuid.UUID]:
    """Failed deliveries whose backoff is over (attempts left), and pending ones whose worker was lost."""
    candidates = AlertDelivery.objects.filter(
        Q(status=AlertDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=AlertDelivery.Status.PENDING, updated_at__lte=now - STUCK_AFTER)
    ).values_list("id", "status", "attempts", "updated_at")
    return [
        delivery_id
        for delivery_id, status, attempts, updated_at in candidates[:500]
        if status == AlertDelivery.Status.PENDING or updated_at + backoff(attempts) <= now
    ]


def alert_deliveries_retry(*, now: dt.datetime | None = None) -> int:
    """Tries every due delivery again; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for delivery_id in alert_deliveries_due(now=now):
        if alert_delivery_attempt(delivery_id=delivery_id, now=now) == AlertDelivery.Status.SENT:
            sent += 1
    return sent


# --- operators' views and channels ---------------------------------------------------------------------------


def alert_view(alert: Alert) -> AlertView:
    return AlertView(
        id=alert.id,
        key=alert.key,
        rule=alert.rule,
        service=alert.service,
        severity=alert.severity,
        summary=alert.summary,
        status=alert.status,
        started_at=alert.started_at,
        resolved_at=alert.resolved_at,
        last_notified_at=alert.last_notified_at,
        flaps=alert.flaps,
    )


def alert_list(*, status: str | None = None, limit: int = 50) -> list[AlertView]:
    queryset = Alert.objects.order_by("-started_at", "-id")
    if status:
        queryset = queryset.filter(status=status)
    return [alert_view(alert) for alert in queryset[: max(limit, 0)]]


def alert_page(*, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> Page[AlertView]:
    queryset = Alert.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    return paginate_queryset(queryset, cursor=cursor, limit=limit, to_item=alert_view, ordering=("-started_at", "-id"))


def shown_target(channel: AlertChannel) -> str:
    """A webhook's URL without its path and query, which often hold a token (Slack's incoming webhooks)."""
    if channel.kind != AlertChannel.Kind.WEBHOOK:
        return channel.target
    parts = urlsplit(channel.target)
    hidden = "/..." if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{parts.netloc}{hidden}"


def _channel_view(channel: AlertChannel) -> AlertChannelView:
    return AlertChannelView(
        id=channel.id, name=channel.name, kind=channel.kind, target=shown_target(channel), enabled=channel.enabled
    )


def alert_channel_list() -> list[AlertChannelView]:
    return [_channel_view(channel) for channel in AlertChannel.objects.order_by("name", "id")]


def _clean_target(kind: str, target: str) -> str:
    target = str(target or "").strip()
    if not target or len(target) > MAX_TARGET:
        raise invalid(InvalidAlertChannel, "target", gettext("A target has 1 to %(max)d characters.") % {"max": 500})
    try:
        if kind == AlertChannel.Kind.EMAIL:
            EmailValidator()(target)
        else:
            URLValidator(schemes=["http", "https"])(target)
    except DjangoValidationError as error:
        message = (
            gettext("Not an email address.") if kind == AlertChannel.Kind.EMAIL else gettext("Not an http(s) URL.")
        )
        raise invalid(InvalidAlertChannel, "target", message) from error
    return target


def alert_channel_create(
    *, actor_id: uuid.UUID, ip: str | None = None, name: str, kind: str, target: str
) -> tuple[AlertChannelView, str]:
    """Returns the channel and, for a webhook, its signing secret (shown once). Bad input saves nothing."""
    name = clean_title(InvalidAlertChannel, name, field="name")[:100]
    if name == SETTINGS_CHANNEL_NAME:
        raise invalid(InvalidAlertChannel, "name", gettext("This name is kept for the configured addresses."))
    if kind not in AlertChannel.Kind.values:
        raise invalid(InvalidAlertChannel, "kind", gettext("kind is email or webhook."))
    target = _clean_target(kind, target)
    secret = secrets.token_hex(32) if kind == AlertChannel.Kind.WEBHOOK else ""
    with transaction.atomic():
        channel = AlertChannel.objects.create(name=name, kind=kind, target=target, signing_secret=secret)
        security.audit_record(
            ip=ip,
            action="health.alert_channel_created",
            actor_id=actor_id,
            target_type="alert_channel",
            target_id=str(channel.id),
            detail={"name": name, "kind": kind},
        )
    return _channel_view(channel), secret


def _channel(channel_id: uuid.UUID) -> AlertChannel:
    channel = AlertChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise AlertChannelNotFound()
    return channel


def alert_channel_delete(*, actor_id: uuid.UUID, ip: str | None = None, channel_id: uuid.UUID) -> None:
    with transaction.atomic():
        channel = _channel(channel_id)
        if channel.name == SETTINGS_CHANNEL_NAME and channel.target in settings.AZORA_HEALTH_ALERT_EMAILS:
            raise AlertChannelManaged()
        security.audit_record(
            ip=ip,
            action="health.alert_channel_deleted",
            actor_id=actor_id,
            target_type="alert_channel",
            target_id=str(channel.id),
            detail={"name": channel.name, "kind": channel.kind},
        )
        channel.delete()


def alert_channel_test(
    *, actor_id: uuid.UUID, ip: str | None = None, channel_id: uuid.UUID, now: dt.datetime | None = None
) -> str:
    """Sends a test alert now; returns "sent" or the short reason it failed (a timeout, a 500)."""
    now = now or timezone.now()
    channel = _channel(channel_id)
    sample = Alert(
        key="test",
        rule="test",
        service="health",
        severity=Alert.Severity.TICKET,
        summary=gettext("Test alert from the Azora Health Monitor"),
        started_at=now,
    )
    outcome = send_to_channel(channel, alert_message(sample, event=AlertStatus.FIRING), now=now)
    with transaction.atomic():
        security.audit_record(
            ip=ip,
            action="health.alert_channel_tested",
            actor_id=actor_id,
            target_type="alert_channel",
            target_id=str(channel.id),
            detail={"outcome": outcome},
        )
    return outcome
