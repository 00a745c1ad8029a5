"""Demo data of Elara Onboarding: the demo learner has finished the learner onboarding, placement included.

Loaded by `azora demo-data` (and every embedded `azora run`) after the accounts, education, revenue and agents
demos (registered in `OnboardingConfig.ready`, order 80). Every step goes through `onboarding.public`
(`session_start`, `step_submit`, `placement_start`, `placement_answer`), so the profile, the memory items of the
goals and language steps, the learning path and the enrolment of the first lesson are the real effects of the
steps. The placement answers are chosen deterministically: every item of the first subject (money, where the
learner finished "Personal budgeting") right, then in the other subjects right and wrong in turn.

Idempotent and fast: once the learner has a completed learner session, nothing is done. An active session left
half-way is resumed. When something it needs is missing, it logs why and returns without failing the start.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from typing import Any

from django.db import transaction

import azora.onboarding.public as onboarding
from azora.accounts.public import active_user_id_by_email, user_profile
from azora.education.demo import correct_answer, question_definition
from azora.education.demo_content import catalogue

logger = logging.getLogger(__name__)

DEMO_LEARNER_EMAIL = "learner@azora.local"
FLOW = "learner"
FIRST_SUBJECT = "money-and-finance"
DEMO_COUNTRY = "ZA"
DEMO_LANGUAGE = "en"
DEMO_PLAN = "free"
DEMO_GOALS = ("Manage my money well", "Learn to program")
DEMO_INTERESTS = ("Technology", "Small business")


class _DemoIncomplete(Exception):
    """Something the demo onboarding needs is missing: roll its savepoint back and log."""


def _right_answers() -> dict[str, Any]:
    """The right answer of each demo question, by its prompt (the answer key comes from the demo catalogue's data,
    never from the learner-safe views)."""
    answers: dict[str, Any] = {}
    for course in catalogue():
        for question in course.assessment.questions:
            answers.setdefault(question.prompt, correct_answer(question.kind, question_definition(question)))
    return answers


def _placement(*, learner_id: uuid.UUID, session_id: uuid.UUID) -> uuid.UUID:
    """Start (or resume) the diagnostic and answer it to the end; the completed attempt's id."""
    right = _right_answers()
    view = onboarding.placement_start(user_id=learner_id, session_id=session_id)
    per_subject: Counter[str] = Counter()
    while view.current is not None:
        item = view.current
        per_subject[item.subject] += 1
        # Money: all right. Elsewhere: the 1st, 3rd, ... item of the subject right, the others "I don't know".
        knows = item.subject == FIRST_SUBJECT or per_subject[item.subject] % 2 == 1
        answer = right.get(item.prompt) if knows else None
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
