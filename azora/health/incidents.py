"""Incidents: opened automatically when a probe goes down and resolved when it recovers, or by operators, with
their timeline of updates."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

import azora.security.public as security
from azora.health import alerts, status_page
from azora.health.errors import IncidentClosed, IncidentNotFound, InvalidIncident
from azora.health.models import Incident, IncidentStatus, IncidentUpdate
from azora.health.operator_input import clean_choice, clean_message, clean_service, clean_title
from azora.health.public.status import IncidentUpdateView, IncidentView
from azora.shared.pagination import Page, paginate_queryset

# Kept short: the probe's error is for operators (the status page never shows it) and must not grow the row.
MAX_ERROR = 300


def probe_status_changed(*, probe: str, service: str, status: str, error: str, at: dt.datetime) -> None:
    """Called by the probe round, in its transaction, for each probe whose thresholded status changed
    ("up" <-> "down"; "unknown" -> "up" is not a change worth an incident)."""
    if status == "down":
        _automatic_incident_open(probe=probe, service=service, error=error, at=at)
        alerts.alert_fire(
            key=f"probe_down:{probe}",
            rule="probe_down",
            service=service,
            severity="page",
            summary=f"{probe} is down: {error[:MAX_ERROR]}" if error else f"{probe} is down",
            now=at,
        )
    elif status == "up":
        _automatic_incident_resolve(probe=probe, at=at)
        alerts.alert_resolve(key=f"probe_down:{probe}", now=at)
    status_page.invalidate_on_commit()


def _automatic_incident_open(*, probe: str, service: str, error: str, at: dt.datetime) -> None:
    """One open automatic incident per probe (a unique constraint): a second "down" adds nothing."""
    if Incident.objects.filter(probe=probe, automatic=True, resolved_at__isnull=True).exists():
        return
    message = f"{probe} is down: {error[:MAX_ERROR]}" if error else f"{probe} is down"
    try:
        with transaction.atomic():  # a savepoint: a concurrent round that opened it first is not an error here
            incident = Incident.objects.create(
                service=service,
                title=f"{probe} is down",
                status=IncidentStatus.INVESTIGATING,
                severity=Incident.Severity.MAJOR,
                automatic=True,
                probe=probe,
                opened_at=at,
            )
            IncidentUpdate.objects.create(incident=incident, status=IncidentStatus.INVESTIGATING, message=message)
    except IntegrityError:
        return


def _automatic_incident_resolve(*, probe: str, at: dt.datetime) -> None:
    incident = (
        Incident.objects.select_for_update().filter(probe=probe, automatic=True, resolved_at__isnull=True).first()
    )
    if incident is None:  # an operator resolved it already
        return
    IncidentUpdate.objects.create(incident=incident, status=IncidentStatus.RESOLVED, message=f"{probe} has recovered")
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = at
    incident.save(update_fields=["status", "resolved_at", "updated_at"])


def incident_create(
    *,
    actor_id: uuid.UUID,
    ip: str | None = None,
    service: str,
    title: str,
    severity: str,
    message: str,
    now: dt.datetime | None = None,
) -> IncidentView:
    """An operator's incident, with its first update (status "investigating"); audited."""
    service = clean_service(InvalidIncident, service)
    title = clean_title(InvalidIncident, title)
    severity = clean_choice(InvalidIncident, severity, field="severity", choices=list(Incident.Severity.values))
    message = clean_message(InvalidIncident, message)
    with transaction.atomic():
        incident = Incident.objects.create(
            service=service,
            title=title,
            severity=severity,
            status=IncidentStatus.INVESTIGATING,
            automatic=False,
            opened_at=now or timezone.now(),
        )
        IncidentUpdate.objects.create(
            incident=incident, status=IncidentStatus.INVESTIGATING, message=message, author_id=actor_id
        )
        security.audit_record(
            ip=ip,
            action="health.incident_created",
            actor_id=actor_id,
            target_type="incident",
            target_id=str(incident.id),
            detail={"service": service, "title": title, "severity": severity},
        )
        status_page.invalidate_on_commit()
    return incident_get(incident_id=incident.id)


def incident_update_add(
    *,
    actor_id: uuid.UUID,
    ip: str | None = None,
    incident_id: uuid.UUID,
    status: str,
    message: str,
    now: dt.datetime | None = None,
) -> IncidentView:
    """Adds an update; status "resolved" closes the incident. Raises IncidentClosed on a resolved one."""
    status = clean_choice(InvalidIncident, status, field="status", choices=list(IncidentStatus.values))
    message = clean_message(InvalidIncident, message)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise IncidentNotFound()
        if incident.resolved_at is not None:
            raise IncidentClosed()
        IncidentUpdate.objects.create(incident=incident, status=status, message=message, author_id=actor_id)
        incident.status = status
        if status == IncidentStatus.RESOLVED:
            incident.resolved_at = now or timezone.now()
        incident.save(update_fields=["status", "resolved_at", "updated_at"])
        security.audit_record(
            ip=ip,
            action="health.incident_updated",
            actor_id=actor_id,
            target_type="incident",
            target_id=str(incident.id),
            detail={"status": status},
        )
        status_page.invalidate_on_commit()
    return incident_get(incident_id=incident.id)


def _with_updates(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    return queryset.prefetch_related(Prefetch("updates", queryset=IncidentUpdate.objects.order_by("created_at", "id")))


def incident_view(incident: Incident) -> IncidentView:
    """The operator's view (prefetched updates): the full messages, probe errors included."""
    return IncidentView(
        id=incident.id,
        service=incident.service,
        title=incident.title,
        status=incident.status,
        severity=incident.severity,
        automatic=incident.automatic,
        probe=incident.probe,
        opened_at=incident.opened_at,
        resolved_at=incident.resolved_at,
        updates=tuple(
            IncidentUpdateView(
                id=u.id, status=u.status, message=u.message, author_id=u.author_id, created_at=u.created_at
            )
            for u in incident.updates.all()
        ),
    )


def incident_get(*, incident_id: uuid.UUID) -> IncidentView:
    incident = _with_updates(Incident.objects.filter(pk=incident_id)).first()
    if incident is None:
        raise IncidentNotFound()
    return incident_view(incident)


def incident_list(*, open_only: bool = False, limit: int = 50) -> list[IncidentView]:
    """Newest first; open ones only with `open_only`."""
    queryset = Incident.objects.all()
    if open_only:
        queryset = queryset.filter(resolved_at__isnull=True)
    return [incident_view(row) for row in _with_updates(queryset.order_by("-opened_at", "-id"))[: max(limit, 0)]]


def incident_page(
    *, cursor: str | None = None, limit: int | None = None, open_only: bool = False, service: str | None = None
) -> Page[IncidentView]:
    """A cursor page of incidents, newest first, for the operators' API."""
    queryset = Incident.objects.all()
    if open_only:
        queryset = queryset.filter(resolved_at__isnull=True)
    if service:
        queryset = queryset.filter(service=service)
    return paginate_queryset(
        _with_updates(queryset), cursor=cursor, limit=limit, to_item=incident_view, ordering=("-opened_at", "-id")
    )
