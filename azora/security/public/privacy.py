"""Aegis's contract for data protection: apps register how to export, anonymise and hold back a user's data;
users ask for their data and for deletion; consent records; admins review deletion requests."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

# An export stays bounded for a very active account; lists come newest first, so the recent rows are in it.
EXPORT_ROW_LIMIT = 10_000

__all__ = [
    "ConsentView",
    "DataExportView",
    "DeletionRequestView",
    "consent_list",
    "consent_purposes",
    "consent_record",
    "data_export_file",
    "data_export_list",
    "data_export_request",
    "deletion_request_blockers",
    "deletion_request_cancel",
    "deletion_request_create",
    "deletion_request_list",
    "deletion_request_review",
    "export_rows",
    "register_anonymiser",
    "register_deletion_blocker",
    "register_exporter",
]


@dataclass(frozen=True, slots=True)
class DataExportView:
    id: uuid.UUID
    status: str
    size_bytes: int
    created_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DeletionRequestView:
    id: uuid.UUID
    user_id: uuid.UUID
    user_label: str
    status: str
    reason: str
    blockers: tuple[str, ...]
    review_note: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    completed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ConsentView:
    purpose: str
    version: str
    granted: bool
    created_at: dt.datetime


def register_exporter(name: str, exporter: Callable[[uuid.UUID], Mapping[str, Any]]) -> None:
    """`exporter(user_id)` returns the app's data about the user as JSON-ready values, under key `name`."""
    from azora.security import data_protection

    data_protection.exporter_register(name, exporter)


def register_anonymiser(name: str, anonymiser: Callable[[uuid.UUID], None], *, order: int = 100) -> None:
    """`anonymiser(user_id)` removes or replaces the app's personal data of the user, keeping records the law
    requires (financial records for AZORA_PRIVACY_FINANCIAL_RETENTION_YEARS); runs in the deletion's transaction.
    Anonymisers run by `order`, then name; the Auth Service's runs last (order 1000), after the apps that may still
    look the user up."""
    from azora.security import data_protection

    data_protection.anonymiser_register(name, anonymiser, order=order)


def register_deletion_blocker(name: str, blocker: Callable[[uuid.UUID], str | None]) -> None:
    """`blocker(user_id)` returns why the user cannot be deleted now (an open dispute...), or None."""
    from azora.security import data_protection

    data_protection.blocker_register(name, blocker)


def data_export_request(*, user_id: uuid.UUID) -> DataExportView:
    """A new export built by a task after commit; while one is being prepared, that one."""
    from azora.security import data_protection

    return data_protection.export_request(user_id=user_id)


def data_export_list(*, user_id: uuid.UUID) -> list[DataExportView]:
    """The user's exports, newest first."""
    from azora.security import data_protection

    return data_protection.export_list(user_id=user_id)


def data_export_file(*, user_id: uuid.UUID, export_id: uuid.UUID) -> bytes:
    """The export's JSON; DataExportNotFound for another user's export or one not ready."""
    from azora.security import data_protection

    return data_protection.export_file(user_id=user_id, export_id=export_id)


def deletion_request_create(*, user_id: uuid.UUID, reason: str = "") -> DeletionRequestView:
    """Raises DeletionBlocked (with the blockers) or DeletionRequestOpen; nothing is written then."""
    from azora.security import data_protection

    return data_protection.deletion_create(user_id=user_id, reason=reason)


def deletion_request_cancel(*, user_id: uuid.UUID, request_id: uuid.UUID) -> DeletionRequestView:
    """Cancels the user's own pending request; DeletionRequestNotFound otherwise."""
    from azora.security import data_protection

    return data_protection.deletion_cancel(user_id=user_id, request_id=request_id)


def deletion_request_list(
    *, status: str | None = None, user_id: uuid.UUID | None = None, limit: int = 100
) -> list[DeletionRequestView]:
    """Newest first, with each user's label for the reviewer; `user_id` narrows to one user's requests."""
    from azora.security import data_protection

    return data_protection.deletion_list(status=status, user_id=user_id, limit=limit)


def deletion_request_review(
    *, reviewer_id: uuid.UUID, request_id: uuid.UUID, approve: bool, note: str
) -> DeletionRequestView:
    """Approving re-checks the blockers, then anonymises through every registered anonymiser in one
    transaction; audited."""
    from azora.security import data_protection

    return data_protection.deletion_review(reviewer_id=reviewer_id, request_id=request_id, approve=approve, note=note)


def consent_record(
    *, user_id: uuid.UUID, purpose: str, version: str, granted: bool, ip: str | None = None
) -> ConsentView:
    """Appends the decision; InvalidConsent (422) for an unknown purpose or malformed version."""
    from azora.security import data_protection

    return data_protection.consent_give(user_id=user_id, purpose=purpose, version=version, granted=granted, ip=ip)


def consent_list(*, user_id: uuid.UUID) -> list[ConsentView]:
    """The latest decision per purpose."""
    from azora.security import data_protection

    return data_protection.consent_latest(user_id=user_id)


def consent_purposes() -> dict[str, tuple[str, str]]:
    """Every purpose a user can consent to: its label (translated now) and the current version of its text."""
    from azora.security import data_protection

    return {purpose: (str(label), version) for purpose, (label, version) in data_protection.CONSENT_PURPOSES.items()}


def deletion_request_blockers(*, user_id: uuid.UUID) -> list[str]:
    """Why the user could not be deleted now (empty when nothing stands in the way), for the "Your data" page."""
    from azora.security import data_protection

    return data_protection.deletion_blockers(user_id=user_id)


def export_rows(
    queryset: QuerySet[Model], fields: Sequence[str], *, limit: int = EXPORT_ROW_LIMIT
) -> list[dict[str, Any]]:
    """The rows' named fields (related ones with "__") as dicts, for an exporter: at most `limit` rows, in the
    queryset's order. Dates, UUIDs and decimals are written as text by the export."""
    return [dict(row) for row in queryset.values(*fields)[:limit]]
