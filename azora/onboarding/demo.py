"""Demo data of Elara Onboarding: the demo learner has finished the learner onboarding, placement included.

Loaded by `azora demo-data` (and every embedded `azora run`) after the accounts, education, revenue and agents
demos (registered in `OnboardingConfig.ready`, order 80). Every step goes through `onboarding.public`
(`session_start`, `step_submit`, `placement_start`, `placement_answer`), so the profile, the memory items of the
goals and language steps, the learning path and the enrolment of the first lesson are the real effects of the
steps. The placement answers are chosen deterministically: every item of the first subject (money, where the
learner finished "Personal budgeting") right, in the other subjects right and "I don't know" in turn. The right
answer is read from the item's question bank as the demo instructor, who teaches the demo catalogue, sees it
(`education.public.questions_of_course`): the learner-safe views never carry it.

Idempotent and fast: once the learner has a completed learner session, nothing is done. An active session left
half-way is resumed. When something it needs is missing, it logs why and returns without failing the start.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.db import transaction

import azora.education.errors as education_errors
import azora.education.public as education
import azora.onboarding.public as onboarding
from azora.accounts.public import active_user_id_by_email, user_profile
from azora.shared.errors import PermissionDenied

logger = logging.getLogger(__name__)

DEMO_LEARNER_EMAIL = "learner@azora.local"
# Teaches the demo catalogue, so may read its question banks with their answers (the learner-safe views have none).
DEMO_INSTRUCTOR_EMAIL = "instructor@azora.local"
FLOW = "learner"
FIRST_SUBJECT = "money-and-finance"
DEMO_COUNTRY = "ZA"
DEMO_LANGUAGE = "en"
DEMO_PLAN = "free"
DEMO_GOALS = ("Manage my money well", "Learn to program")
DEMO_INTERESTS = ("Technology", "Small business")


class _DemoIncomplete(Exception):
    """Something the demo onboarding needs is missing: roll its savepoint back and log."""


class _AnswerKey:
    """The right answer to a placement item, as the demo instructor (who teaches the demo catalogue) reads it in the
    course's question bank through education.public; None when they cannot read it or the kind has no simple key."""

    def __init__(self) -> None:
        self.instructor_id = active_user_id_by_email(email=DEMO_INSTRUCTOR_EMAIL)
        self.banks: dict[uuid.UUID, dict[uuid.UUID, Any]] = {}

    def right_answer(self, question_id: uuid.UUID) -> Any:
        if self.instructor_id is None:
            return None
        course_id = education.placement_question(question_id=question_id).course_id
        if course_id not in self.banks:
            try:
                questions = education.questions_of_course(course_id=course_id, user_id=self.instructor_id)
            except (education_errors.CourseNotFound, PermissionDenied):
                questions = []
            self.banks[course_id] = {question.id: _key(question.kind, question.definition) for question in questions}
        return self.banks[course_id].get(question_id)


def _key(kind: str, definition: Mapping[str, Any]) -> Any:
    """The answer a learner sends to get full credit (the grade engine's definitions)."""
    if kind in {"single_choice", "multiple_choice", "true_false"}:
        return definition.get("correct")
    if kind == "numeric":
        return definition.get("value")
    if kind == "short_text":
        accepted = definition.get("accepted") or [None]
        return accepted[0]
    return None


def _placement(*, learner_id: uuid.UUID, session_id: uuid.UUID) -> uuid.UUID:
    """Start (or resume) the diagnostic and answer it to the end; the completed attempt's id."""
    key = _AnswerKey()
    view = onboarding.placement_start(user_id=learner_id, session_id=session_id)
    per_subject: Counter[str] = Counter()
    while view.current is not None:
        item = view.current
        per_subject[item.subject] += 1
        # Money: all right. Elsewhere: the 1st, 3rd, ... item of the subject right, the others "I don't know".
        knows = item.subject == FIRST_SUBJECT or per_subject[item.subject] % 2 == 1
        answer = key.right_answer(item.question_id) if knows else None
        view = onboarding.placement_answer(
            attempt_id=view.id, user_id=learner_id, question_id=item.question_id, answer=answer
        )
    return view.id


def _step_data(step: onboarding.StepView, *, learner_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any] | None:
    """What the demo learner enters at a step; None to skip it."""
    if step.kind == "welcome":
        return {}
    if step.kind == "profile":
        return {"display_name": user_profile(user_id=learner_id).display_name, "country": DEMO_COUNTRY}
    if step.kind == "goals":
        return {"goals": list(DEMO_GOALS), "interests": list(DEMO_INTERESTS)}
    if step.kind == "language":
        return {"language": DEMO_LANGUAGE}
    if step.kind == "placement":
        return {"attempt_id": str(_placement(learner_id=learner_id, session_id=session_id))}
    if step.kind == "plan":
        return {"plan": DEMO_PLAN}
    if step.kind == "first_lesson":
        path = onboarding.learning_path_of(user_id=learner_id)
        if path is None or not path.items:
            return None
        return {"course_id": str(path.items[0].course_id)}
    return None


def _complete(learner_id: uuid.UUID) -> None:
    session = onboarding.session_start(user_id=learner_id, flow=FLOW)
    while session.status == "active" and session.current_step:
        step = next(step for step in session.steps if step.slug == session.current_step)
        data = _step_data(step, learner_id=learner_id, session_id=session.id)
        if data is None and not step.skippable:
            raise _DemoIncomplete(f"the step {step.slug!r} ({step.kind}) has no demo data and cannot be skipped")
        session = onboarding.step_submit(
            session_id=session.id, user_id=learner_id, step=step.slug, data=data, skip=data is None
        )
    if session.status != "completed":
        raise _DemoIncomplete(f"the session ended {session.status}")


def _completed(learner_id: uuid.UUID) -> bool:
    latest = onboarding.session_latest(user_id=learner_id)
    return latest is not None and latest.flow == FLOW and latest.status == "completed"


def load_demo_data() -> None:
    """The demo learner's completed onboarding and learning path; running it again changes nothing."""
    learner_id = active_user_id_by_email(email=DEMO_LEARNER_EMAIL)
    if learner_id is None:
        logger.warning("Onboarding demo skipped: the demo account %s does not exist.", DEMO_LEARNER_EMAIL)
        return
    if _completed(learner_id):  # every later start: one read
        return
    try:
        # A savepoint: whatever fails on the way leaves nothing half-made, and the start goes on.
        with transaction.atomic():
            _complete(learner_id)
    except Exception:
        logger.exception("Onboarding demo skipped: the demo learner's onboarding could not be completed.")
