"""The write side of placement: start or resume a diagnostic, answer its current item, finish it with estimates and
a learning path (one transaction), and offer it again after a completed course."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

import azora.education.errors as education_errors
import azora.education.public as education
from azora.onboarding import placement as rules
from azora.onboarding.errors import PlacementFinished, PlacementItemNotCurrent, SessionNotFound
from azora.onboarding.models import LearningPath, OnboardingSession, PlacementAttempt, PlacementStatus
from azora.onboarding.public.placement import PlacementView
from azora.onboarding.selectors.placement import (
    answered_of,
    current_item,
    owned_attempt,
    placement_limits,
    placement_view,
)

__all__ = [
    "placement_answer",
    "placement_begin",
    "placement_get",
    "placement_reoffer",
    "placement_start",
]


def _pool_items(pool: Sequence[education.PlacementItem]) -> list[rules.Item]:
    return [rules.Item(question_id=str(item.question_id), subject=item.subject, level=item.level) for item in pool]


def _served(item: education.PlacementItem) -> dict[str, Any]:
    return {
        "question_id": str(item.question_id),
        "course_id": str(item.course_id),
        "subject": item.subject,
        "subject_name": item.subject_name,
        "level": item.level,
        "is_correct": None,
    }


def _advance(attempt: PlacementAttempt, pool: Sequence[education.PlacementItem]) -> None:
    """Serve the next item chosen from the answers so far, or finish the attempt (estimates and a new path);
    saves the attempt. Runs inside the caller's transaction."""
    answered = answered_of(attempt.items)
    chosen = rules.next_item(pool=_pool_items(pool), answered=answered, seed=attempt.seed, limits=placement_limits())
    if chosen is not None:
        by_id = {str(item.question_id): item for item in pool}
        attempt.items = [*attempt.items, _served(by_id[chosen.question_id])]
        attempt.save()
        return
    attempt.status = PlacementStatus.COMPLETED
    attempt.completed_at = timezone.now()
    attempt.estimates = rules.estimates(answered)
    attempt.save()
    _learning_path_create(attempt, answered)


def _course_facts(courses: Sequence[education.PlacementCourse]) -> list[rules.CourseFacts]:
    return [
        rules.CourseFacts(
            course_id=str(course.course_id),
            title=course.title,
            subject=course.subject,
            level=course.level,
            prerequisite_ids=tuple(str(p) for p in course.prerequisite_ids),
        )
        for course in courses
    ]


def _learning_path_create(attempt: PlacementAttempt, answered: Sequence[rules.Answered]) -> LearningPath:
    courses = education.placement_courses()
    known = {course.course_id for course in courses}
    missing = {p for course in courses for p in course.prerequisite_ids} - known
    if missing:  # prerequisites outside every category are still courses to take first
        courses = [*courses, *education.placement_courses(course_ids=missing)]
    completed = {str(course_id) for course_id in education.courses_completed_by(user_id=attempt.user_id)}
    entries = rules.learning_path(found=rules.evidence(answered), courses=_course_facts(courses), completed=completed)
    by_id = {str(course.course_id): course for course in courses}
    names = {str(item["subject"]): str(item.get("subject_name") or "") for item in attempt.items}
    names.update({course.subject: course.subject_name for course in courses if course.subject})
    items = []
    for entry in entries:
        course = by_id[entry.course_id]
        next_title = by_id[entry.reason.args["next_id"]].title if "next_id" in entry.reason.args else ""
        items.append(
            {
                "course_id": entry.course_id,
                "lesson_id": str(course.first_lesson_id) if course.first_lesson_id else None,
                "subject": entry.subject,
                "level": entry.level,
                # The sentence as first shown, and what re-renders it in the reader's language with current titles.
                "reason": rules.reason_text(
                    entry.reason, course=course.title, subject_name=names.get(entry.subject, ""), next_course=next_title
                ),
                "reason_code": entry.reason.code,
                "reason_args": dict(entry.reason.args),
            }
        )
    return LearningPath.objects.create(
        user_id=attempt.user_id, attempt=attempt, items=items, estimates=dict(attempt.estimates)
    )


def _active(user_id: uuid.UUID) -> PlacementAttempt | None:
    return PlacementAttempt.objects.filter(user_id=user_id, status=PlacementStatus.ACTIVE).first()


def _view(attempt: PlacementAttempt, pool: Sequence[education.PlacementItem] | None = None) -> PlacementView:
    """The attempt's view; when its current item has left the pool (unpublished, archived), serve another first."""
    try:
        return placement_view(attempt, pool=pool)
    except education_errors.QuestionNotFound:
        return _current_replace(attempt_id=attempt.pk, user_id=attempt.user_id)


def _current_replace(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> PlacementView:
    with transaction.atomic():
        attempt = PlacementAttempt.objects.select_for_update().get(pk=attempt_id, user_id=user_id)
        current = current_item(attempt)
        pool = education.placement_items()
        if current is not None and current["question_id"] not in {str(item.question_id) for item in pool}:
            attempt.items = attempt.items[:-1]
            _advance(attempt, pool)
        return placement_view(attempt, pool=pool)


def placement_begin(*, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> tuple[PlacementView, bool]:
    """Start a diagnostic, or resume the active one; True when it was started now. `session_id`, when given, must be
    one of the learner's onboarding sessions (SessionNotFound otherwise, nothing started)."""
    if session_id is not None and not OnboardingSession.objects.filter(pk=session_id, user_id=user_id).exists():
        raise SessionNotFound()
    active = _active(user_id)
    if active is not None:
        return _view(active), False
    pool = education.placement_items()
    try:
        with transaction.atomic():
            attempt = PlacementAttempt(
                user_id=user_id,
                session_id=session_id,
                seed=secrets.randbits(62),
                subjects=sorted({item.subject for item in pool}),
            )
            _advance(attempt, pool)
    except IntegrityError:
        # A concurrent start won the one-active-attempt key: resume that one.
        raced = _active(user_id)
        if raced is None:
            raise
        return _view(raced), False
    return _view(attempt, pool), True


def placement_start(*, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> PlacementView:
    return placement_begin(user_id=user_id, session_id=session_id)[0]


def placement_get(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> PlacementView:
    return _view(owned_attempt(attempt_id=attempt_id, user_id=user_id))


def placement_answer(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, question_id: uuid.UUID, answer: Any
) -> PlacementView:
    """Checked before anything is written: the attempt is the learner's, still active, waiting for this question,
    and the answer fits it (AnswerInvalid otherwise)."""
    with transaction.atomic():
        attempt = PlacementAttempt.objects.select_for_update().filter(pk=attempt_id, user_id=user_id).first()
        if attempt is None:
            owned_attempt(attempt_id=attempt_id, user_id=user_id)  # raises PlacementNotFound
            raise AssertionError("unreachable")  # pragma: no cover
        if attempt.status != PlacementStatus.ACTIVE:
            raise PlacementFinished()
        current = current_item(attempt)
        if current is None:  # pragma: no cover -- an active attempt always waits for an item
            raise PlacementFinished()
        if current["question_id"] != str(question_id):
            raise PlacementItemNotCurrent(extra={"current_question_id": current["question_id"]})
        pool = education.placement_items()
        try:
            is_correct = education.placement_answer_is_correct(question_id=question_id, answer=answer)
        except education_errors.QuestionNotFound:
            # The question left the pool while it was shown: serve another instead of scoring it.
            attempt.items = attempt.items[:-1]
        else:
            attempt.items = [*attempt.items[:-1], {**current, "is_correct": is_correct}]
        _advance(attempt, pool)
        return placement_view(attempt, pool=pool)


def placement_reoffer(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """Offer the placement again on the learner's current path after they completed `course_id`; once per path
    (a redelivered event, or another completed course, changes nothing). False when there is no path to mark, or
    when the course was completed before the path was built (an event delivered late: the path already knew it)."""
    with transaction.atomic():
        path = LearningPath.objects.select_for_update().filter(user_id=user_id).order_by("-id").first()
        if path is None or path.reoffered_at is not None:
            return False
        if course_id in education.courses_completed_by(user_id=user_id, before=path.created_at):
            return False
        path.reoffered_at = timezone.now()
        path.reoffered_course_id = course_id
        path.save(update_fields=["reoffered_at", "reoffered_course_id", "updated_at"])
        return True
