"""Aegis's contract for the moderation queue: apps flag content and register what removing it means; moderators
decide."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from azora.shared.pagination import Page

if TYPE_CHECKING:
    from azora.security.models import ModerationCase

__all__ = [
    "Decision",
    "ModerationCaseView",
    "moderation_case_list",
    "moderation_case_page",
    "moderation_decide",
    "moderation_flag",
    "moderation_sources",
    "register_moderation_handler",
]

type Decision = Literal["keep", "remove"]


@dataclass(frozen=True, slots=True)
class ModerationCaseView:
    id: uuid.UUID
    source: str  # "marketplace.review", "marketplace.message", "education.lesson", "constitution.flag", ...
    object_id: str
    excerpt: str
    reason: str
    reports: int
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    decided_by_id: uuid.UUID | None = None


def register_moderation_handler(
    source: str,
    handler: Callable[[str, Decision], None],
    *,
    excerpt: Callable[[str, uuid.UUID | None], str | None] | None = None,
) -> None:
    """`handler(object_id, decision)` applies a moderator's decision in the owning app (hide the review...);
    it runs inside the decision's transaction, so a failure leaves the case open and nothing changed.
    `excerpt(object_id, reporter_id)` returns the text moderators see, or None when the item does not exist or
    that reporter may not see it; with it, people can flag the source through the API."""
    from azora.security import moderation_queue

    moderation_queue.source_register(source, handler, excerpt=excerpt)


def moderation_sources() -> list[str]:
    """The registered sources, for the flag form and the API's documentation."""
    from azora.security import moderation_queue

    return moderation_queue.source_names()


def moderation_flag(
    *, source: str, object_id: str, excerpt: str, reason: str, reporter_id: uuid.UUID | None = None
) -> ModerationCaseView:
    """Opens a case, or counts one more report on the open case for the same content. Raises
    InvalidModerationFlag (unknown source, no reason), ModerationContentNotFound (the source's reader does not
    find the item for this reporter), ModerationFlagLimit (too many reports from one person in an hour)."""
    from azora.security import moderation_queue

    case = moderation_queue.case_flag(
        source=source, object_id=object_id, excerpt=excerpt, reason=reason, reporter_id=reporter_id
    )
    return _view(case)


def moderation_case_list(*, status: str = "open", limit: int = 100) -> list[ModerationCaseView]:
    """The first `limit` cases with this status, oldest first."""
    return moderation_case_page(status=status, limit=limit).items


def moderation_case_page(
    *, status: str = "open", cursor: str | None = None, limit: int = 50
) -> Page[ModerationCaseView]:
    """Cases with this status, oldest first, a page at a time; raises InvalidModerationFlag for an unknown
    status and InvalidCursor."""
    from azora.security import moderation_queue

    page = moderation_queue.case_page(status=status, cursor=cursor, limit=limit)
    return Page(items=[_view(case) for case in page.items], next_cursor=page.next_cursor)


def moderation_decide(
    *, moderator_id: uuid.UUID, case_id: uuid.UUID, decision: Decision, note: str
) -> ModerationCaseView:
    """Raises PermissionDenied (not a platform admin), InvalidModerationDecision (not keep/remove, no note),
    ModerationCaseNotFound, ModerationCaseClosed; the owning app's handler and the audit record share the
    decision's transaction."""
    from azora.security import moderation_queue

    case = moderation_queue.case_decide(moderator_id=moderator_id, case_id=case_id, decision=decision, note=note)
    return _view(case)


def _view(case: ModerationCase) -> ModerationCaseView:
    return ModerationCaseView(
        id=case.id,
        source=case.source,
        object_id=case.object_id,
        excerpt=case.excerpt,
        reason=case.reason,
        reports=case.reports,
        status=case.status,
        created_at=case.created_at,
        decided_at=case.decided_at,
        decision_note=case.decision_note,
        decided_by_id=case.decided_by_id,
    )
