"""Demo data of the Elara AI Orchestrator: the demo learner's conversation about the course they are learning.

Loaded by `azora demo-data` (and every embedded `azora run`) after the accounts, education and revenue demos
(registered in `AgentsConfig.ready`, order 70). Everything goes through `agents.public`, so the answers are real
ones from the configured provider (the offline one when embedded) with citations of the demo lessons: the learner
gives the oversight consent, asks Elara two questions about "Python basics" and one question that is routed to
Kofi, the money and rewards coach.

Idempotent and fast: when the learner already has a conversation about the course, nothing is asked again. When
something it needs is missing (the demo accounts or course), it logs why and returns without failing the start.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction

import azora.education.public as education
from azora.accounts.public import active_user_id_by_email
from azora.agents import public as agents
from azora.education.errors import CourseNotFound

logger = logging.getLogger(__name__)

DEMO_LEARNER_EMAIL = "learner@azora.local"
# The education demo enrols the learner in it with two of its three lessons done.
DEMO_COURSE_SLUG = "python-basics"
# Asked in this order; the last one names Kofi and is about rewards, so the router sends it to him.
DEMO_QUESTIONS: tuple[str, ...] = (
    "What is a variable in Python, and how do I find out the type of a value?",
    "Why does 0.1 + 0.2 not give exactly 0.3 in Python?",
    "Kofi, how many AZR rewards have I earned this month, and how do I earn more?",
)


def _demo_course_id(learner_id: uuid.UUID) -> uuid.UUID | None:
    """The demo course, with the learner enrolled in it (enrolling is idempotent); None when it is missing."""
    try:
        course = education.course_detail(slug=DEMO_COURSE_SLUG, viewer_id=learner_id)
    except CourseNotFound:
        return None
    education.enrollment_create(course_id=course.id, user_id=learner_id)
    return course.id


def _converse(*, learner_id: uuid.UUID, course_id: uuid.UUID) -> None:
    agents.oversight_consent_give(user_id=learner_id)
    conversation = agents.conversation_start(user_id=learner_id, course_id=course_id)
    for text in DEMO_QUESTIONS:
        agents.message_send(conversation_id=conversation.id, user_id=learner_id, text=text)


def load_demo_data() -> None:
    """The demo learner's conversation with Elara (and Kofi); running it again changes nothing."""
    learner_id = active_user_id_by_email(email=DEMO_LEARNER_EMAIL)
    if learner_id is None:
        logger.warning("Agents demo skipped: the demo account %s does not exist.", DEMO_LEARNER_EMAIL)
        return
    # Fast path of every later start: one indexed read.
    if agents.conversations_of(user_id=learner_id, limit=1).items:
        return
    try:
        # A savepoint: whatever fails on the way leaves nothing half-made, and the start goes on.
        with transaction.atomic():
            course_id = _demo_course_id(learner_id)
            if course_id is None:
                logger.warning("Agents demo skipped: the demo course %s does not exist.", DEMO_COURSE_SLUG)
                return
            _converse(learner_id=learner_id, course_id=course_id)
    except Exception:
        logger.exception("Agents demo skipped: the demo conversation could not be made.")
