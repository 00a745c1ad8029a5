"""Data protection: the registry of every app's exporters, anonymisers and deletion blockers; users' data exports,
deletion requests and their admin review; consent records.

A deletion anonymises rather than deletes: every registered anonymiser runs in ONE transaction, so a failure in
any app leaves every app's data as it was. Financial records stay (the law keeps them for
AZORA_PRIVACY_FINANCIAL_RETENTION_YEARS); each app's anonymiser removes the personal data around them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.security.errors import (
    DataExportNotFound,
    DeletionBlocked,
    DeletionRequestNotFound,
    DeletionRequestOpen,
    DeletionReviewInvalid,
    InvalidConsent,
)
from azora.security.models import ConsentRecord, DataExport, DeletionRequest
from azora.security.public.audit import audit_record
from azora.security.public.privacy import ConsentView, DataExportView, DeletionRequestView
from azora.shared.observability.logging import get_logger

logger = get_logger(__name__)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
EXPORT_FORMAT = "azora-data-export/1"
EXPORT_STORAGE_PREFIX = "privacy/exports"
MAX_REASON_LENGTH = 2000
MAX_NOTE_LENGTH = 2000
MAX_ERROR_LENGTH = 300
# Anonymisers run in this order, then by name: the Auth Service's runs last, because the others may still need
# to find the user's rows by the email address it replaces.
DEFAULT_ORDER = 100

# What a user can consent to, with the text's current version; a new version asks everyone again.
CONSENT_PURPOSES: dict[str, tuple[Any, str]] = {
    "marketing_email": (_("News and offers by email"), "2026-01"),
    "product_analytics": (_("Anonymous usage statistics to improve Azora"), "2026-01"),
    "ai_personalisation": (_("Elara remembers my progress to personalise lessons"), "2026-01"),
}


@dataclass(frozen=True, slots=True)
class Anonymiser:
    name: str
    function: Callable[[uuid.UUID], None]
    order: int


_lock = threading.Lock()
_exporters: dict[str, Callable[[uuid.UUID], Mapping[str, Any]]] = {}
_anonymisers: dict[str, Anonymiser] = {}
_blockers: dict[str, Callable[[uuid.UUID], str | None]] = {}


# --- registry -------------------------------------------------------------------------------------------------


def _checked_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise ValueError(f"A data-protection hook name is a lower-case identifier, not {name!r}.")
    return name


def exporter_register(name: str, exporter: Callable[[uuid.UUID], Mapping[str, Any]]) -> None:
    """Registers (or replaces, on a module reload) the app's exporter under `name`."""
    with _lock:
        _exporters[_checked_name(name)] = exporter


def anonymiser_register(name: str, anonymiser: Callable[[uuid.UUID], None], *, order: int = DEFAULT_ORDER) -> None:
    with _lock:
        _anonymisers[_checked_name(name)] = Anonymiser(name=name, function=anonymiser, order=order)


def blocker_register(name: str, blocker: Callable[[uuid.UUID], str | None]) -> None:
    with _lock:
        _blockers[_checked_name(name)] = blocker


def hook_unregister(name: str) -> None:
    """Removes every hook registered under `name` (for tests that register temporary hooks)."""
    with _lock:
        _exporters.pop(name, None)
        _anonymisers.pop(name, None)
        _blockers.pop(name, None)


def registered_names() -> dict[str, list[str]]:
    return {
        "exporters": sorted(_exporters),
        "anonymisers": [anonymiser.name for anonymiser in _ordered_anonymisers()],
        "blockers": sorted(_blockers),
    }


def _ordered_anonymisers() -> list[Anonymiser]:
    return sorted(_anonymisers.values(), key=lambda anonymiser: (anonymiser.order, anonymiser.name))


# --- data exports ---------------------------------------------------------------------------------------------


def export_view(export: DataExport) -> DataExportView:
    return DataExportView(
        id=export.id,
        status=export.status,
        size_bytes=export.size_bytes,
        created_at=export.created_at,
        ready_at=export.ready_at,
        expires_at=export.expires_at,
    )


def export_request(*, user_id: uuid.UUID) -> DataExportView:
    """A new export, built by a task after commit; a request while one is still being prepared returns that one."""
    from azora.security.tasks_privacy import build_data_export_task

    with transaction.atomic():
        pending = DataExport.objects.filter(user_id=user_id, status=DataExport.Status.PENDING).first()
        if pending is not None:
            return export_view(pending)
        export = DataExport.objects.create(user_id=user_id)
        audit_record(
            action="privacy.data_export_requested",
            actor_id=user_id,
            target_type="data_export",
            target_id=str(export.id),
        )
        transaction.on_commit(lambda: build_data_export_task.enqueue(str(export.id)))
    return export_view(export)


def export_build(*, export_id: uuid.UUID, now: dt.datetime | None = None) -> str:
    """Collects every exporter's section into one JSON file in storage; safe to run twice (a built export is
    left alone). An exporter that fails marks the export failed, naming the section, never its error text."""
    now = now or timezone.now()
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return "skipped"
    try:
        document = _export_document(user_id=export.user_id, now=now)
    except _ExporterFailed as failure:
        logger.exception("data_export_failed", export_id=str(export_id), section=failure.name)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, error=f"The {failure.name} section could not be exported."[:300]
        )
        return DataExport.Status.FAILED
    content = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1, sort_keys=True).encode()
    key = default_storage.save(f"{EXPORT_STORAGE_PREFIX}/{export.user_id}/{export.id}.json", ContentFile(content))
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.READY,
        storage_key=key,
        size_bytes=len(content),
        ready_at=now,
        expires_at=now + dt.timedelta(days=settings.AZORA_PRIVACY_EXPORT_DAYS),
    )
    return DataExport.Status.READY


class _ExporterFailed(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _export_document(*, user_id: uuid.UUID, now: dt.datetime) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for name in sorted(_exporters):
        try:
            sections[name] = dict(_exporters[name](user_id))
        except Exception as error:  # one app's bug must not leak into another's data; reported by section
            raise _ExporterFailed(name) from error
    return {"format": EXPORT_FORMAT, "user_id": str(user_id), "generated_at": now.isoformat(), "sections": sections}


def export_list(*, user_id: uuid.UUID) -> list[DataExportView]:
    return [export_view(export) for export in DataExport.objects.filter(user_id=user_id).order_by("-created_at")]


def export_file(*, user_id: uuid.UUID, export_id: uuid.UUID, now: dt.datetime | None = None) -> bytes:
    """The export's JSON; DataExportNotFound for another user's export, one not ready, or one past its expiry."""
    now = now or timezone.now()
    export = DataExport.objects.filter(pk=export_id, user_id=user_id, status=DataExport.Status.READY).first()
    if export is None or (export.expires_at is not None and export.expires_at <= now):
        raise DataExportNotFound()
    try:
        with default_storage.open(export.storage_key, "rb") as stored:
            content: bytes = stored.read()
    except FileNotFoundError as error:
        raise DataExportNotFound() from error
    audit_record(
        action="privacy.data_export_downloaded", actor_id=user_id, target_type="data_export", target_id=str(export.id)
    )
    return content


# --- deletion requests ----------------------------------------------------------------------------------------


def deletion_view(request: DeletionRequest, *, user_label: str = "") -> DeletionRequestView:
    return DeletionRequestView(
        id=request.id,
        user_id=request.user_id,
        user_label=user_label,
        status=request.status,
        reason=request.reason,
        blockers=tuple(request.blockers),
        review_note=request.review_note,
        created_at=request.created_at,
        reviewed_at=request.reviewed_at,
        completed_at=request.completed_at,
    )


def deletion_blockers(*, user_id: uuid.UUID) -> list[str]:
    """Why the user cannot be deleted now, one line per registered blocker that objects, in name order."""
    reasons = []
    for name in sorted(_blockers):
        reason = _blockers[name](user_id)
        if reason:
            reasons.append(str(reason))
    return reasons


def deletion_create(*, user_id: uuid.UUID, reason: str = "") -> DeletionRequestView:
    """A pending request for review; DeletionBlocked (with the list) or DeletionRequestOpen write nothing."""
    reason = reason.strip()[:MAX_REASON_LENGTH]
    blockers = deletion_blockers(user_id=user_id)
    if blockers:
        raise DeletionBlocked(extra={"blockers": blockers})
    try:
        with transaction.atomic():
            if DeletionRequest.objects.filter(user_id=user_id, status__in=_OPEN_STATUSES).exists():
                raise DeletionRequestOpen()
            request = DeletionRequest.objects.create(user_id=user_id, reason=reason)
            audit_record(
                action="privacy.deletion_requested",
                actor_id=user_id,
                target_type="deletion_request",
                target_id=str(request.id),
            )
    except IntegrityError as error:  # a second request racing the first: the partial unique index said no
        raise DeletionRequestOpen() from error
    return deletion_view(request)


_OPEN_STATUSES = (DeletionRequest.Status.PENDING, DeletionRequest.Status.APPROVED)


def deletion_cancel(*, user_id: uuid.UUID, request_id: uuid.UUID) -> DeletionRequestView:
    with transaction.atomic():
        request = (
            DeletionRequest.objects.select_for_update()
            .filter(pk=request_id, user_id=user_id, status=DeletionRequest.Status.PENDING)
            .first()
        )
        if request is None:
            raise DeletionRequestNotFound()
        request.status = DeletionRequest.Status.CANCELLED
        request.save(update_fields=["status", "updated_at"])
        audit_record(
            action="privacy.deletion_cancelled",
            actor_id=user_id,
            target_type="deletion_request",
            target_id=str(request.id),
        )
    return deletion_view(request)


def deletion_list(
    *, status: str | None = None, user_id: uuid.UUID | None = None, limit: int = 100
) -> list[DeletionRequestView]:
    requests = DeletionRequest.objects.order_by("-created_at")
    if status:
        requests = requests.filter(status=status)
    if user_id is not None:
        requests = requests.filter(user_id=user_id)
    rows = list(requests[: max(1, min(limit, 500))])
    labels = _user_labels({row.user_id for row in rows})
    return [deletion_view(row, user_label=labels.get(row.user_id, "")) for row in rows]


def _user_labels(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    import azora.accounts.public as accounts

    profiles = accounts.user_profiles(user_ids=user_ids)
    return {user_id: _label(profile) for user_id, profile in profiles.items()}


def _label(profile: Any) -> str:
    return str(getattr(profile, "display_name", "") or getattr(profile, "email", "") or "")


def deletion_review(
    *, reviewer_id: uuid.UUID, request_id: uuid.UUID, approve: bool, note: str, now: dt.datetime | None = None
) -> DeletionRequestView:
    """Rejecting needs a note. Approving re-checks the blockers (DeletionBlocked, nothing changes), then runs every
    anonymiser in one transaction: any failure rolls every app back and marks the request failed with a reason."""
    now = now or timezone.now()
    note = note.strip()[:MAX_NOTE_LENGTH]
    if not approve and not note:
        raise DeletionReviewInvalid(extra={"errors": [{"field": "note", "message": "A rejection needs a note."}]})
    if not approve:
        return _reject(reviewer_id=reviewer_id, request_id=request_id, note=note, now=now)
    request = _reviewable(request_id)
    blockers = deletion_blockers(user_id=request.user_id)
    if blockers:
        raise DeletionBlocked(extra={"blockers": blockers})
    try:
        return _anonymise(reviewer_id=reviewer_id, request_id=request_id, note=note, now=now)
    except _AnonymiserFailed as failure:
        return _mark_failed(reviewer_id=reviewer_id, request_id=request_id, note=note, now=now, failure=failure)


def _reviewable(request_id: uuid.UUID, *, lock: bool = False) -> DeletionRequest:
    requests = DeletionRequest.objects.select_for_update() if lock else DeletionRequest.objects.all()
    request = requests.filter(
        pk=request_id, status__in=(DeletionRequest.Status.PENDING, DeletionRequest.Status.FAILED)
    ).first()
    if request is None:
        raise DeletionRequestNotFound()
    return request


def _reject(*, reviewer_id: uuid.UUID, request_id: uuid.UUID, note: str, now: dt.datetime) -> DeletionRequestView:
    with transaction.atomic():
        request = _reviewable(request_id, lock=True)
        _set_review(request, status=DeletionRequest.Status.REJECTED, reviewer_id=reviewer_id, note=note, now=now)
        audit_record(
            action="privacy.deletion_rejected",
            actor_id=reviewer_id,
            target_type="deletion_request",
            target_id=str(request.id),
            detail={"user_id": str(request.user_id)},
        )
    return deletion_view(request)


class _AnonymiserFailed(Exception):
    def __init__(self, name: str, error: Exception) -> None:
        super().__init__(name)
        self.name = name
        self.error_class = type(error).__name__


def _anonymise(*, reviewer_id: uuid.UUID, request_id: uuid.UUID, note: str, now: dt.datetime) -> DeletionRequestView:
    with transaction.atomic():
        request = _reviewable(request_id, lock=True)
        for anonymiser in _ordered_anonymisers():
            try:
                with transaction.atomic():
                    anonymiser.function(request.user_id)
            except Exception as error:  # any app's failure undoes every app's work: the outer block rolls back
                raise _AnonymiserFailed(anonymiser.name, error) from error
        _set_review(request, status=DeletionRequest.Status.COMPLETED, reviewer_id=reviewer_id, note=note, now=now)
        request.completed_at = now
        request.blockers = []
        request.save(update_fields=["completed_at", "blockers", "updated_at"])
        audit_record(
            action="privacy.deletion_completed",
            actor_id=reviewer_id,
            target_type="deletion_request",
            target_id=str(request.id),
            detail={
                "user_id": str(request.user_id),
                "anonymisers": [anonymiser.name for anonymiser in _ordered_anonymisers()],
            },
        )
    return deletion_view(request)


def _mark_failed(
    *, reviewer_id: uuid.UUID, request_id: uuid.UUID, note: str, now: dt.datetime, failure: _AnonymiserFailed
) -> DeletionRequestView:
    logger.error(
        "deletion_anonymiser_failed",
        request_id=str(request_id),
        anonymiser=failure.name,
        error_class=failure.error_class,
    )
    reason = f"The {failure.name} data could not be anonymised ({failure.error_class}); nothing was changed."
    with transaction.atomic():
        request = _reviewable(request_id, lock=True)
        _set_review(request, status=DeletionRequest.Status.FAILED, reviewer_id=reviewer_id, note=note, now=now)
        request.blockers = [reason[:MAX_ERROR_LENGTH]]
        request.save(update_fields=["blockers", "updated_at"])
        audit_record(
            action="privacy.deletion_failed",
            actor_id=reviewer_id,
            target_type="deletion_request",
            target_id=str(request.id),
            detail={"user_id": str(request.user_id), "anonymiser": failure.name, "error_class": failure.error_class},
        )
    return deletion_view(request)


def _set_review(request: DeletionRequest, *, status: str, reviewer_id: uuid.UUID, note: str, now: dt.datetime) -> None:
    request.status = status
    request.reviewed_by_id = reviewer_id
    request.review_note = note
    request.reviewed_at = now
    request.save(update_fields=["status", "reviewed_by", "review_note", "reviewed_at", "updated_at"])


# --- consents -------------------------------------------------------------------------------------------------


def consent_view(record: ConsentRecord) -> ConsentView:
    return ConsentView(
        purpose=record.purpose, version=record.version, granted=record.granted, created_at=record.created_at
    )


def consent_give(
    *, user_id: uuid.UUID, purpose: str, version: str, granted: bool, ip: str | None = None
) -> ConsentView:
    """Appends the user's decision; an unknown purpose or a malformed version is InvalidConsent, nothing saved."""
    if purpose not in CONSENT_PURPOSES:
        raise InvalidConsent(
            extra={"errors": [{"field": "purpose", "message": f"One of: {', '.join(sorted(CONSENT_PURPOSES))}."}]}
        )
    if not VERSION_PATTERN.match(version):
        raise InvalidConsent(extra={"errors": [{"field": "version", "message": "1-32 of A-Z a-z 0-9 . _ -"}]})
    record = ConsentRecord.objects.create(
        user_id=user_id, purpose=purpose, version=version, granted=granted, ip=_valid_ip(ip)
    )
    return consent_view(record)


def _valid_ip(ip: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def consent_latest(*, user_id: uuid.UUID) -> list[ConsentView]:
    """The latest decision per purpose, by purpose."""
    latest: dict[str, ConsentRecord] = {}
    for record in ConsentRecord.objects.filter(user_id=user_id).order_by("purpose", "-created_at", "-id"):
        latest.setdefault(record.purpose, record)
    return [consent_view(latest[purpose]) for purpose in sorted(latest)]
