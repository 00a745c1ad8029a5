"""The read side of placement: attempts as their learner sees them, and the learner's current learning path."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, ngettext

import azora.education.public as education
from azora.onboarding import placement as rules
from azora.onboarding.errors import PlacementNotFound
from azora.onboarding.models import LearningPath, PlacementAttempt, PlacementStatus
from azora.onboarding.public.placement import (
    LearningPathItem,
    LearningPathView,
    PlacementItemView,
    PlacementView,
)

__all__ = [
    "answered_of",
    "current_item",
    "learning_path_of",
    "learning_path_view",
    "owned_attempt",
    "placement_limits",
    "placement_view",
]


def placement_limits() -> rules.Limits:
    """AZORA_PLACEMENT_MIN_ITEMS and _MAX_ITEMS (10 and 20 by default)."""
    return rules.Limits(
        min_items=int(getattr(settings, "AZORA_PLACEMENT_MIN_ITEMS", 10)),
        max_items=int(getattr(settings, "AZORA_PLACEMENT_MAX_ITEMS", 20)),
    )


def owned_attempt(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> PlacementAttempt:
    attempt = PlacementAttempt.objects.filter(pk=attempt_id, user_id=user_id).first()
    if attempt is None:
        raise PlacementNotFound()
    return attempt


def answered_of(items: Sequence[Mapping[str, Any]]) -> list[rules.Answered]:
    return [
        rules.Answered(
            question_id=str(item["question_id"]),
            subject=str(item["subject"]),
            level=str(item["level"]),
            is_correct=bool(item["is_correct"]),
        )
        for item in items
        if item.get("is_correct") is not None
    ]


def current_item(attempt: PlacementAttempt) -> dict[str, Any] | None:
    """The item the active attempt waits for (the last one served, not yet answered), or None."""
    if attempt.status != PlacementStatus.ACTIVE or not attempt.items:
        return None
    last: dict[str, Any] = attempt.items[-1]
    return last if last.get("is_correct") is None else None


def _subject_names(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {str(item["subject"]): str(item.get("subject_name") or item["subject"]) for item in items}


def placement_view(
    attempt: PlacementAttempt, *, pool: Sequence[education.PlacementItem] | None = None
) -> PlacementView:
    """The attempt as its learner sees it; `pool` (the current placement items) sizes an active attempt.

    Raises education's QuestionNotFound when the current item left the pool (the service then replaces it).
    """
    answered = answered_of(attempt.items)
    current = current_item(attempt)
    limits = placement_limits()
    notice = ""
    path_id: uuid.UUID | None = None
    if attempt.status == PlacementStatus.ACTIVE:
        pool_items = pool if pool is not None else education.placement_items()
        reachable = {str(item.question_id) for item in pool_items} | {str(i["question_id"]) for i in attempt.items}
        planned = min(limits.max_items, len(reachable))
        if planned < limits.min_items:
            notice = ngettext(
                "The question banks hold only %(count)s question for now, so this placement asks just that one.",
                "The question banks hold only %(count)s questions for now, so this placement asks just those.",
                planned,
            ) % {"count": planned}
    else:
        planned = len(answered)
        path_id = LearningPath.objects.filter(attempt_id=attempt.pk).values_list("id", flat=True).first()
    item_view = None
    if current is not None:
        question = education.placement_question(question_id=uuid.UUID(str(current["question_id"])))
        item_view = PlacementItemView(
            question_id=question.question_id,
            number=len(answered) + 1,
            prompt=question.prompt,
            kind=question.kind,
            choices=question.choices,
            subject=question.subject,
            subject_name=question.subject_name,
            level=question.level,
        )
    return PlacementView(
        id=attempt.pk,
        status=attempt.status,
        answered=len(answered),
        planned_max=planned,
        current=item_view,
        estimates=dict(attempt.estimates),
        created_at=attempt.created_at,
        completed_at=attempt.completed_at,
        subject_names=_subject_names(attempt.items),
        notice=notice,
        learning_path_id=path_id,
    )


# --- Learning paths ---


def _reason(entry: Mapping[str, Any], titles: Mapping[str, str], subject_names: Mapping[str, str]) -> str:
    args = dict(entry.get("reason_args") or {})
    code = str(entry.get("reason_code") or "")
    if not code:
        return str(entry.get("reason", ""))
    course_id = str(entry["course_id"])
    return rules.reason_text(
        rules.Reason(code, args),
        course=titles.get(course_id, ""),
        subject_name=subject_names.get(str(args.get("subject", "")), ""),
        next_course=titles.get(str(args.get("next_id", "")), ""),
    )


def learning_path_view(path: LearningPath) -> LearningPathView:
    """Three queries: the courses of the path as they are now (unpublished ones are left out), their prerequisites,
    plus the path's attempt (select_related by the caller). Reasons are rendered in the active language."""
    wanted = {uuid.UUID(str(entry["course_id"])) for entry in path.items}
    if path.reoffered_course_id is not None:
        wanted.add(path.reoffered_course_id)
    courses = {str(course.course_id): course for course in education.placement_courses(course_ids=wanted)}
    titles = {course_id: course.title for course_id, course in courses.items()}
    subject_names = _subject_names(path.attempt.items) if path.attempt is not None else {}
    for known in courses.values():
        if known.subject:
            subject_names.setdefault(known.subject, known.subject_name)
    items = []
    for entry in path.items:
        course = courses.get(str(entry["course_id"]))
        if course is None:
            continue
        items.append(
            LearningPathItem(
                course_id=course.course_id,
                course_slug=course.slug,
                course_title=course.title,
                lesson_id=course.first_lesson_id,
                lesson_title=course.first_lesson_title,
                reason=_reason(entry, titles, subject_names),
                subject=str(entry.get("subject") or course.subject),
                level=course.level,
            )
        )
    reoffer_reason = ""
    if path.reoffered_at is not None:
        title = titles.get(str(path.reoffered_course_id), "")
        reoffer_reason = (
            gettext("You completed “%(course)s”: take the placement again to update your learning path.")
            % {"course": title}
            if title
            else gettext("You completed a course: take the placement again to update your learning path.")
        )
    return LearningPathView(
        id=path.pk,
        items=tuple(items),
        estimates=dict(path.estimates),
        created_at=path.created_at,
        subject_names={subject: subject_names.get(subject, subject) for subject in path.estimates},
        placement_reoffered=path.reoffered_at is not None,
        reoffer_reason=reoffer_reason,
        reoffered_at=path.reoffered_at,
        attempt_id=path.attempt_id,
    )


def learning_path_of(*, user_id: uuid.UUID) -> LearningPathView | None:
    path = LearningPath.objects.filter(user_id=user_id).select_related("attempt").order_by("-id").first()
    return None if path is None else learning_path_view(path)
