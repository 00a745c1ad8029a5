"""Request and response schemas of Aegis's data-protection API: data exports, deletion requests, consents."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from azora.security.public import ConsentView, DataExportView, DeletionRequestView
from azora.shared.schemas import StrictIn


class PrivacyDataExportOut(Schema):
    id: uuid.UUID
    status: str = Field(description="pending, ready, failed or expired.")
    size_bytes: int
    created_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(description="After this the file is gone; ask for a new export.")
    download_url: str | None = Field(description="Where to fetch the JSON once ready; null before.")

    @classmethod
    def of(cls, view: DataExportView) -> PrivacyDataExportOut:
        return cls(
            id=view.id,
            status=view.status,
            size_bytes=view.size_bytes,
            created_at=view.created_at,
            ready_at=view.ready_at,
            expires_at=view.expires_at,
            download_url=f"/api/v1/me/data-exports/{view.id}/download" if view.status == "ready" else None,
        )


class PrivacyDataExportListOut(Schema):
    items: list[PrivacyDataExportOut]


class PrivacyDeletionRequestIn(StrictIn):
    reason: str = Field(default="", max_length=2000, description="Optional: why you are leaving.")


class PrivacyDeletionReviewIn(StrictIn):
    approve: bool
    note: str = Field(default="", max_length=2000, description="Required when rejecting.")


class PrivacyDeletionRequestOut(Schema):
    id: uuid.UUID
    user_id: uuid.UUID
    status: str = Field(description="pending, approved, rejected, cancelled, completed or failed.")
    reason: str
    blockers: list[str] = Field(description="Why a failed deletion could not finish.")
    review_note: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    completed_at: dt.datetime | None

    @classmethod
    def of(cls, view: DeletionRequestView) -> PrivacyDeletionRequestOut:
        return cls(
            id=view.id,
            user_id=view.user_id,
            status=view.status,
            reason=view.reason,
            blockers=list(view.blockers),
            review_note=view.review_note,
            created_at=view.created_at,
            reviewed_at=view.reviewed_at,
            completed_at=view.completed_at,
        )


class PrivacyDeletionRequestReviewOut(PrivacyDeletionRequestOut):
    user_label: str

    @classmethod
    def of_review(cls, view: DeletionRequestView) -> PrivacyDeletionRequestReviewOut:
        return cls(**PrivacyDeletionRequestOut.of(view).model_dump(), user_label=view.user_label)


class PrivacyDeletionRequestListOut(Schema):
    items: list[PrivacyDeletionRequestOut]


class PrivacyDeletionReviewListOut(Schema):
    items: list[PrivacyDeletionRequestReviewOut]


class PrivacyDeletionReviewFilters(Schema):
    status: str | None = Field(default="pending", max_length=10, description="One status; pending by default.")
    limit: int = Field(default=100, ge=1, le=500)


class PrivacyConsentIn(StrictIn):
    purpose: str = Field(max_length=64)
    version: str = Field(max_length=32, description="The version of the purpose's text the person saw.")
    granted: bool


class PrivacyConsentOut(Schema):
    purpose: str
    version: str
    granted: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, view: ConsentView) -> PrivacyConsentOut:
        return cls(purpose=view.purpose, version=view.version, granted=view.granted, created_at=view.created_at)


class PrivacyConsentPurposeOut(Schema):
    purpose: str
    label: str
    version: str = Field(description="The current version of the purpose's text.")


class PrivacyConsentListOut(Schema):
    items: list[PrivacyConsentOut] = Field(description="The latest decision per purpose.")
    purposes: list[PrivacyConsentPurposeOut] = Field(description="What can be consented to, and its version.")
