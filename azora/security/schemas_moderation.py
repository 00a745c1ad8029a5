"""Request and response schemas of Aegis's moderation API: people's reports and moderators' decisions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from azora.security.public import ModerationCaseView
from azora.shared.pagination import PageParams
from azora.shared.schemas import StrictIn


class ModerationFlagIn(StrictIn):
    source: str = Field(max_length=64, description='What kind of content, e.g. "marketplace.review".')
    object_id: str = Field(max_length=100, description="The item's id in that source.")
    reason: str = Field(max_length=300, description="What is wrong with it, in the reporter's words.")


class ModerationFlagOut(Schema):
    """Only that the report arrived: a reporter never learns who else reported it or what moderators decided."""

    received: bool


class ModerationCaseFilters(PageParams):
    status: str = Field(default="open", max_length=8, description="open, kept or removed.")


class ModerationCaseOut(Schema):
    id: uuid.UUID
    source: str
    object_id: str
    excerpt: str
    reason: str
    reports: int
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    decided_by_id: uuid.UUID | None

    @classmethod
    def of(cls, view: ModerationCaseView) -> ModerationCaseOut:
        return cls(
            id=view.id,
            source=view.source,
            object_id=view.object_id,
            excerpt=view.excerpt,
            reason=view.reason,
            reports=view.reports,
            status=view.status,
            created_at=view.created_at,
            decided_at=view.decided_at,
            decision_note=view.decision_note,
            decided_by_id=view.decided_by_id,
        )


class ModerationCasePageOut(Schema):
    items: list[ModerationCaseOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ModerationDecisionIn(StrictIn):
    decision: Literal["keep", "remove"]
    note: str = Field(max_length=2000, description="Why; kept with the case and in the audit trail.")
