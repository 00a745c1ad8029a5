"""Agents, conversations and their reading: the roster, starting a thread (course rules), the learner's list (order,
pages, course filter), one thread with its messages (the learner; another learner gets not found)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents import public as agents
from azora.agents.errors import ConversationNotFound
from azora.agents.models import Agent, Conversation
from azora.agents.public.views import AgentView
from azora.agents.tests.core.conftest import Classroom, thread
from azora.agents.tests.factories import MessageFeedbackFactory
from azora.education.errors import CourseNotFound
from azora.education.tests.factories import CourseFactory
from azora.shared.errors import ValidationFailed
from azora.shared.pagination import InvalidCursor

pytestmark = pytest.mark.django_db


def test_the_roster_lists_the_active_agents_in_order(roster: dict[str, Agent]) -> None:
    listed = agents.agents_list()
    assert [agent.slug for agent in listed] == ["elara", "kofi", "naledi", "themba", "sankofa"]
    assert listed[0] == AgentView(
        slug="elara",
        name="Elara",
        role="Tutor and coordinator: explains your courses with hints and guiding questions",
        voice="Warm, patient, encouraging and precise; teaches rather than hands out answers.",
        tools=("search_content", "learner_progress", "learner_grades", "explain_grade", "recommend_lessons"),
        intents=("tutoring",),
        is_default=True,
    )
    assert [a.intents for a in listed[1:]] == [("money",), ("career",), ("planning", "motivation"), ("history",)]
    assert listed[2].tools[0] == "job_matches"
    Agent.objects.filter(slug="sankofa").update(is_active=False)
    assert [agent.slug for agent in agents.agents_list()] == ["elara", "kofi", "naledi", "themba"]


def test_every_agent_has_a_prompt_in_version_control(roster: dict[str, Agent]) -> None:
    from azora.agents.services.orchestrator import PROMPTS_DIR

    for slug, agent in roster.items():
        text = (PROMPTS_DIR / f"{slug}.md").read_text(encoding="utf-8")
        assert text.startswith(f"You are {agent.name}")


def test_a_thread_about_a_course_needs_enrolment_or_teaching(room: Classroom) -> None:
    started = agents.conversation_start(user_id=room.learner.id, course_id=room.course.id, title="  Leaves  ")
    assert (started.user_id, started.course_id, started.mode, started.title, started.message_count) == (
        room.learner.id,
        room.course.id,
        "socratic",
        "Leaves",
        0,
    )
    taught = agents.conversation_start(user_id=room.instructor.id, course_id=room.course.id, mode="direct")
    assert taught.mode == "direct"

    stranger = UserFactory()
    count = Conversation.objects.count()
    with pytest.raises(CourseNotFound):
        agents.conversation_start(user_id=stranger.id, course_id=room.course.id)
    with pytest.raises(CourseNotFound):
        agents.conversation_start(user_id=room.learner.id, course_id=CourseFactory(published=True).id)
    with pytest.raises(ValidationFailed):
        agents.conversation_start(user_id=room.learner.id, mode="lecture")
    assert Conversation.objects.count() == count


def test_a_thread_records_the_learners_organisation(room: Classroom) -> None:
    from azora.accounts.public import organisation_create

    organisation = organisation_create(user_id=room.learner.id, name="Ubuntu High")
    started = agents.conversation_start(user_id=room.learner.id)
    assert Conversation.objects.get(id=started.id).organisation_id == organisation.id


def test_the_learners_threads_most_recently_active_first_in_pages(
    room: Classroom,
    django_assert_max_num_queries: Any,
) -> None:
    first = thread(room)
    second = thread(room)
    unrelated = agents.conversation_start(user_id=room.learner.id).id
    agents.message_send(conversation_id=first, user_id=room.learner.id, text="What is photosynthesis?")

    with django_assert_max_num_queries(1):
        page = agents.conversations_of(user_id=room.learner.id, limit=2)
    assert [c.id for c in page.items] == [first, unrelated]
    assert page.next_cursor is not None
    rest = agents.conversations_of(user_id=room.learner.id, limit=2, cursor=page.next_cursor)
    assert [c.id for c in rest.items] == [second]
    assert rest.next_cursor is None
    in_course = agents.conversations_of(user_id=room.learner.id, course_id=room.course.id)
    assert [c.id for c in in_course.items] == [first, second]
    assert agents.conversations_of(user_id=UserFactory().id).items == []
    with pytest.raises(InvalidCursor):
        agents.conversations_of(user_id=room.learner.id, cursor="not-a-cursor")


def test_one_thread_with_its_messages_for_the_learner_only(room: Classroom, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?"
    )
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="And chlorophyll?")
    MessageFeedbackFactory(message_id=exchange.answer.id, user=room.learner, is_helpful=False, reason="unclear")

    with django_assert_max_num_queries(4):
        detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=room.learner.id)
    assert detail.conversation.id == conversation_id
    assert detail.conversation.message_count == 4
    assert [(m.role, m.status) for m in detail.messages] == [("user", "complete"), ("assistant", "complete")] * 2
    read = detail.messages[1]
    answer = exchange.answer
    assert (read.id, read.content, read.citations, read.routing, read.agent_slug, read.agent_name) == (
        answer.id,
        answer.content,
        answer.citations,
        answer.routing,
        "elara",
        "Elara",
    )
    assert detail.messages[1].feedback is not None
    assert (detail.messages[1].feedback.is_helpful, detail.messages[1].feedback.reason) == (False, "unclear")
    assert detail.messages[3].feedback is None

    stranger = UserFactory()
    with pytest.raises(ConversationNotFound):
        agents.conversation_get(conversation_id=conversation_id, viewer_id=stranger.id)
    with pytest.raises(ConversationNotFound):
        agents.conversation_get(conversation_id=uuid.uuid4(), viewer_id=room.learner.id)


def test_the_courses_instructor_oversees_the_thread(room: Classroom) -> None:
    conversation_id = thread(room)
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?")
    detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=room.instructor.id)
    assert len(detail.messages) == 2
