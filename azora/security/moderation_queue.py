"""Aegis's moderation queue: the registry of content sources, flags that open or add to a case, and moderators'
keep/remove decisions applied through the owning app's handler."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

import azora.accounts.public as accounts
from azora.security.errors import (
    InvalidModerationDecision,
    InvalidModerationFlag,
    ModerationCaseClosed,
    ModerationCaseNotFound,
    ModerationContentNotFound,
    ModerationFlagLimit,
)
from azora.security.models import ModerationCase
from azora.shared.errors import PermissionDenied
from azora.shared.pagination import Page, paginate_queryset

logger = logging.getLogger(__name__)

type Decision = Literal["keep", "remove"]
# reader(object_id, reporter_id) -> the text a moderator will see, or None when the item does not exist or the
# reporter may not see it (a private message between two other people).
type ExcerptReader = Callable[[str, uuid.UUID | None], str | None]
DECISIONS: frozenset[str] = frozenset({"keep", "remove"})
STATUSES: frozenset[str] = frozenset(ModerationCase.Status.values)
PLATFORM_ADMIN = "platform_admin"

MAX_REASON = ModerationCase._meta.get_field("reason").max_length or 300
MAX_EXCERPT = 1000
MAX_NOTE = 2000
MAX_OBJECT_ID = ModerationCase._meta.get_field("object_id").max_length or 100
# One person may report this many items an hour; beyond that their flags are refused (429), nothing saved.
FLAGS_PER_HOUR = 20
# A person reporting the same item again within this time is not counted twice.
REPEAT_REPORT_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class ModerationSource:
    """What Aegis knows of a content source: how to apply a decision, and how to read the flagged text."""

    name: str
    apply: Callable[[str, Decision], None]
    excerpt: ExcerptReader | None


_SOURCES: dict[str, ModerationSource] = {}


def source_register(name: str, apply: Callable[[str, Decision], None], *, excerpt: ExcerptReader | None = None) -> None:
    """Registers (or replaces, so a reload is harmless) the handler of one source such as "marketplace.review"."""
    _SOURCES[name] = ModerationSource(name=name, apply=apply, excerpt=excerpt)


def source_names() -> list[str]:
    return sorted(_SOURCES)


def source_unregister(name: str) -> None:
    """For tests that register a throw-away source."""
    _SOURCES.pop(name, None)


def case_flag(
    *,
    source: str,
    object_id: str,
    reason: str,
    excerpt: str = "",
    reporter_id: uuid.UUID | None = None,
) -> ModerationCase:
    """Opens a case, or counts one more report on the open case for the same content.

    When the owning app registered a reader, the excerpt comes from it (so a reporter cannot put words in the
    queue), and content the reader does not show to the reporter is ModerationContentNotFound. A person's repeat
    report of the same item is not counted again; more than FLAGS_PER_HOUR flags an hour from one person is
    ModerationFlagLimit. Either way nothing is saved.
    """
    reason, object_id = reason.strip(), object_id.strip()
    registered = _validated_source(source, object_id=object_id, reason=reason)
    text = _excerpt_of(registered, object_id, reporter_id=reporter_id, fallback=excerpt)
    if reporter_id is not None:
        earlier = _case_reported_by(reporter_id, source, object_id)
        if earlier is not None:
            return earlier
        _count_reporter_flag(reporter_id)
    case = _case_add_report(source=source, object_id=object_id, reason=reason, excerpt=text, reporter_id=reporter_id)
    if reporter_id is not None:
        cache.set(_reporter_key(reporter_id, source, object_id), 1, timeout=REPEAT_REPORT_SECONDS)
    return case


def _validated_source(source: str, *, object_id: str, reason: str) -> ModerationSource:
    errors = []
    registered = _SOURCES.get(source)
    if registered is None:
        errors.append({"field": "source", "message": "Unknown source; one of: " + ", ".join(source_names())})
    if not object_id or len(object_id) > MAX_OBJECT_ID:
        errors.append({"field": "object_id", "message": f"Give the item's id (at most {MAX_OBJECT_ID} characters)."})
    if not reason or len(reason) > MAX_REASON:
        errors.append({"field": "reason", "message": f"Say what is wrong (at most {MAX_REASON} characters)."})
    if errors:
        raise InvalidModerationFlag(
            "Check these fields: " + ", ".join(error["field"] for error in errors) + ".", extra={"errors": errors}
        )
    return cast(ModerationSource, registered)


def _excerpt_of(source: ModerationSource, object_id: str, *, reporter_id: uuid.UUID | None, fallback: str) -> str:
    if source.excerpt is None:
        return fallback[:MAX_EXCERPT]
    text = source.excerpt(object_id, reporter_id)
    if text is None:
        raise ModerationContentNotFound()
    return text[:MAX_EXCERPT]


def _reporter_key(reporter_id: uuid.UUID, source: str, object_id: str) -> str:
    return f"security:moderation:reported:{reporter_id}:{source}:{object_id}"


def _case_reported_by(reporter_id: uuid.UUID, source: str, object_id: str) -> ModerationCase | None:
    """The case this person already reported this item on (recently), so their report is not counted twice."""
    if cache.get(_reporter_key(reporter_id, source, object_id)) is None:
        return None
    return ModerationCase.objects.filter(source=source, object_id=object_id).order_by("-created_at").first()


def _count_reporter_flag(reporter_id: uuid.UUID) -> None:
    """A fixed one-hour window per reporter, started by their first flag."""
    key = f"security:moderation:flags:{reporter_id}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between add and incr: this flag starts a new one.
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > FLAGS_PER_HOUR:
        raise ModerationFlagLimit(extra={"retry_after": 3600})


def _case_add_report(
    *, source: str, object_id: str, reason: str, excerpt: str, reporter_id: uuid.UUID | None
) -> ModerationCase:
    for _attempt in range(2):
        with transaction.atomic():
            updated = ModerationCase.objects.filter(
                source=source, object_id=object_id, status=ModerationCase.Status.OPEN
            ).update(reports=F("reports") + 1, updated_at=timezone.now())
            if updated:
                return ModerationCase.objects.get(source=source, object_id=object_id, status="open")
        try:
            with transaction.atomic():
                return ModerationCase.objects.create(
                    source=source,
                    object_id=object_id,
                    excerpt=excerpt,
                    reason=reason,
                    reporter_id=reporter_id,
                )
        except IntegrityError:
            # Someone else opened the case between our update and insert: count this report on theirs.
            continue
    raise RuntimeError("moderation case could be neither updated nor created")  # pragma: no cover


def case_page(*, status: str = "open", cursor: str | None = None, limit: int = 50) -> Page[ModerationCase]:
    """Oldest first, so the queue is worked in the order it filled."""
    if status not in STATUSES:
        message = "Unknown status; one of: " + ", ".join(sorted(STATUSES))
        raise InvalidModerationFlag(message, extra={"errors": [{"field": "query.status", "message": message}]})
    cases = ModerationCase.objects.filter(status=status)
    return paginate_queryset(
        cases, cursor=cursor, limit=limit, to_item=lambda case: case, ordering=("created_at", "id")
    )


def case_decide(
    *,
    moderator_id: uuid.UUID,
    case_id: uuid.UUID,
    decision: str,
    note: str,
    now: dt.datetime | None = None,
) -> ModerationCase:
    """Keeps or removes the content. The owning app's handler runs inside this transaction, and the decision is
    audited in it too: a failing handler leaves the case open and nothing changed."""
    from azora.security.public import audit_record

    if not accounts.user_has_platform_role(user_id=moderator_id, role=PLATFORM_ADMIN):
        raise PermissionDenied()
    note = note.strip()
    _validate_decision(decision, note)
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise ModerationCaseNotFound()
        if case.status != ModerationCase.Status.OPEN:
            raise ModerationCaseClosed()
        source = _SOURCES.get(case.source)
        if source is None:
            raise InvalidModerationDecision(f"No handler is registered for {case.source}; the case stays open.")
        source.apply(case.object_id, cast(Decision, decision))
        case.status = ModerationCase.Status.REMOVED if decision == "remove" else ModerationCase.Status.KEPT
        case.decided_by_id = moderator_id
        case.decision_note = note
        case.decided_at = now or timezone.now()
        case.save(update_fields=["status", "decided_by", "decision_note", "decided_at", "updated_at"])
        audit_record(
            action=f"security.moderation_{case.status}",
            actor_id=moderator_id,
            target_type=case.source,
            target_id=case.object_id,
            detail={"case_id": str(case.id), "decision": decision, "note": note, "reports": case.reports},
        )
    return case


def _validate_decision(decision: str, note: str) -> None:
    errors = []
    if decision not in DECISIONS:
        errors.append({"field": "decision", "message": "Decide keep or remove."})
    if not note or len(note) > MAX_NOTE:
        errors.append({"field": "note", "message": f"Say why (at most {MAX_NOTE} characters)."})
    if errors:
        raise InvalidModerationDecision(
            "Check these fields: " + ", ".join(error["field"] for error in errors) + ".", extra={"errors": errors}
        )
