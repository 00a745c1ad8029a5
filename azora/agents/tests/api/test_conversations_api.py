"""GET /agents, POST|GET /conversations, GET /conversations/{id}, POST /conversations/{id}/messages (JSON and
text/event-stream) and POST /messages/{id}/feedback: exact answers, problems for bad input, nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client, override_settings

from azora.accounts.tests.conftest import key_client, session_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.agents import public as agents
from azora.agents.models import Agent, Conversation, Message, MessageFeedback
from azora.agents.tests.api.conftest import agents_snapshot, events_of, problem
from azora.agents.tests.core.conftest import Classroom, thread
from azora.agents.tests.factories import ConversationFactory, with_exchange
from azora.ai_routing.tests.servers import Behaviour, OpenAIServer
from azora.education.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(path, body if body is not None else {}, content_type="application/json")


def ask(client: Client, conversation_id: object, text: str, *, stream: bool = False) -> Any:
    return post(client, f"/api/v1/conversations/{conversation_id}/messages", {"text": text, "stream": stream})


# --- The roster ---


def test_the_agents_are_listed_in_roster_order(room: Classroom, django_assert_max_num_queries: Any) -> None:
    client = session_client(room.learner)
    client.get("/api/v1/agents")  # the session's first request records it (allauth's user sessions)
    # The edge's six (the session's user, twice, and allauth's user-session bookkeeping) and the roster.
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/agents")
    assert response.status_code == 200
    body = response.json()
    assert [agent["slug"] for agent in body] == ["elara", "kofi", "naledi", "themba", "sankofa"]
    elara = body[0]
    assert (elara["name"], elara["is_default"]) == ("Elara", True)
    assert set(elara) == {"slug", "name", "role", "voice", "tools", "intents", "is_default"}
    assert [agent["is_default"] for agent in body].count(True) == 1


def test_anonymous_callers_and_api_keys_are_refused(room: Classroom, client: Client) -> None:
    before = agents_snapshot()
    assert client.get("/api/v1/agents").status_code == 401
    assert post(client, "/api/v1/conversations").status_code == 401
    keyed = key_client(ApiKeyFactory(user=room.learner).key)
    problem(keyed.get("/api/v1/conversations"), 403, "insufficient_scope")
    problem(post(keyed, "/api/v1/conversations"), 403, "insufficient_scope")
    assert agents_snapshot() == before


# --- Conversations ---


def test_a_conversation_about_a_course_starts_empty(room: Classroom) -> None:
    response = post(session_client(room.learner), "/api/v1/conversations", {"course_id": str(room.course.id)})
    assert response.status_code == 201
    body = response.json()
    stored = Conversation.objects.get(id=body["id"])
    assert (stored.user_id, stored.course_id, stored.mode) == (room.learner.id, room.course.id, "socratic")
    assert {key: body[key] for key in ("user_id", "course_id", "mode", "message_count", "flagged_at")} == {
        "user_id": str(room.learner.id),
        "course_id": str(room.course.id),
        "mode": "socratic",
        "message_count": 0,
        "flagged_at": None,
    }
    direct = post(session_client(room.learner), "/api/v1/conversations", {"mode": "direct"})
    assert (direct.status_code, direct.json()["mode"], direct.json()["course_id"]) == (201, "direct", None)


def test_a_course_the_learner_neither_takes_nor_teaches_is_not_found_and_nothing_is_created(room: Classroom) -> None:
    elsewhere = CourseFactory(published=True)
    client = session_client(room.learner)
    before = agents_snapshot()
    problem(post(client, "/api/v1/conversations", {"course_id": str(elsewhere.id)}), 404, "course_not_found")
    problem(post(client, "/api/v1/conversations", {"course_id": str(uuid.uuid4())}), 404, "course_not_found")
    body = problem(post(client, "/api/v1/conversations", {"mode": "lecture"}), 422, "validation_failed")
    assert body["errors"][0]["field"] == "body.mode"
    body = problem(post(client, "/api/v1/conversations", {"topic": "x"}), 422, "validation_failed")
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert agents_snapshot() == before


def test_the_list_holds_the_callers_own_threads_most_recent_first_in_pages(
    room: Classroom, django_assert_max_num_queries: Any
) -> None:
    made = [thread(room) for _ in range(3)]
    other = agents.conversation_start(user_id=room.learner.id).id  # about no course
    ConversationFactory()  # someone else's
    client = session_client(room.learner)
    client.get("/api/v1/agents")  # the session's first request records it (allauth's user sessions)
    with django_assert_max_num_queries(7) as few:  # the edge's six and the page
        client.get("/api/v1/conversations?limit=3")
    made += [thread(room) for _ in range(5)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get("/api/v1/conversations?limit=3")
    assert first.status_code == 200
    ids = [item["id"] for item in first.json()["items"]]
    cursor = first.json()["next_cursor"]
    while cursor is not None:
        page = client.get(f"/api/v1/conversations?limit=3&cursor={cursor}").json()
        assert len(page["items"]) <= 3
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(str(conversation_id) for conversation_id in [*made, other])
    about_course = client.get(f"/api/v1/conversations?course_id={room.course.id}").json()["items"]
    assert sorted(item["id"] for item in about_course) == sorted(str(conversation_id) for conversation_id in made)
    problem(client.get("/api/v1/conversations?cursor=bogus"), 422, "invalid_cursor")
    problem(client.get("/api/v1/conversations?limit=101"), 422, "validation_failed")


def test_the_learner_reads_their_thread_with_its_messages(room: Classroom) -> None:
    conversation_id = thread(room)
    client = session_client(room.learner)
    exchange = ask(client, conversation_id, "What is photosynthesis?").json()
    response = client.get(f"/api/v1/conversations/{conversation_id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["message_count"]) == (str(conversation_id), 2)
    assert [message["id"] for message in body["messages"]] == [exchange["question"]["id"], exchange["answer"]["id"]]
    assert body["messages"][1] == exchange["answer"]


def test_another_users_thread_is_not_found_but_its_courses_instructor_reads_it(room: Classroom) -> None:
    conversation_id = thread(room)
    ask(session_client(room.learner), conversation_id, "What is photosynthesis?")
    problem(
        session_client(UserFactory()).get(f"/api/v1/conversations/{conversation_id}"), 404, "conversation_not_found"
    )
    problem(session_client(room.learner).get(f"/api/v1/conversations/{uuid.uuid4()}"), 404, "conversation_not_found")
    overseen = session_client(room.instructor).get(f"/api/v1/conversations/{conversation_id}")
    assert overseen.status_code == 200
    assert len(overseen.json()["messages"]) == 2


# --- Asking: JSON ---


def test_a_question_answers_the_stored_exchange(room: Classroom) -> None:
    conversation_id = thread(room)
    response = ask(session_client(room.learner), conversation_id, "What is photosynthesis in a leaf?")
    assert response.status_code == 201
    body = response.json()
    question, answer = body["question"], body["answer"]
    assert (question["role"], question["content"], question["agent"]) == (
        "user",
        "What is photosynthesis in a leaf?",
        "",
    )
    assert (answer["role"], answer["status"], answer["agent"], answer["agent_name"]) == (
        "assistant",
        "complete",
        "elara",
        "Elara",
    )
    assert answer["routing"]["agent"] == "elara"
    assert answer["routing"]["intent"] == "tutoring"
    assert answer["citations"][0]["title"] == "Plant biology: Photosynthesis"
    assert answer["feedback"] is None
    assert set(Message.objects.filter(conversation_id=conversation_id).values_list("id", flat=True)) == {
        uuid.UUID(question["id"]),
        uuid.UUID(answer["id"]),
    }


@override_settings(AZORA_AGENTS_MESSAGE_MAX_CHARS=20)
def test_bad_questions_are_problems_and_nothing_is_written(room: Classroom) -> None:
    conversation_id = thread(room)
    client = session_client(room.learner)
    before = agents_snapshot()
    problem(ask(client, conversation_id, "   "), 422, "message_empty")
    body = problem(ask(client, conversation_id, "x" * 21), 422, "message_too_long")
    assert body["limit"] == 20
    problem(ask(client, conversation_id, "   ", stream=True), 422, "message_empty")
    problem(
        post(client, f"/api/v1/conversations/{conversation_id}/messages", {"stream": True}), 422, "validation_failed"
    )
    stranger = UserFactory()
    agents.oversight_consent_give(user_id=stranger.id)
    before = agents_snapshot()
    problem(ask(session_client(stranger), conversation_id, "Hi"), 404, "conversation_not_found")
    problem(ask(session_client(stranger), conversation_id, "Hi", stream=True), 404, "conversation_not_found")
    problem(ask(client, uuid.uuid4(), "Hi"), 404, "conversation_not_found")
    assert agents_snapshot() == before


def test_no_consent_is_a_conflict_with_the_notice_version_and_nothing_is_written(room: Classroom) -> None:
    learner = UserFactory()
    conversation_id = agents.conversation_start(user_id=learner.id).id
    before = agents_snapshot()
    body = problem(ask(session_client(learner), conversation_id, "Hi"), 409, "oversight_consent_required")
    assert body["notice_version"] == agents.OVERSIGHT_NOTICE_VERSION
    problem(ask(session_client(learner), conversation_id, "Hi", stream=True), 409, "oversight_consent_required")
    assert agents_snapshot() == before


# --- Asking: the event stream ---


def test_a_streamed_answer_names_the_agent_then_streams_then_carries_the_stored_exchange(room: Classroom) -> None:
    conversation_id = thread(room)
    response = ask(session_client(room.learner), conversation_id, "What is photosynthesis in a leaf?", stream=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    events = events_of(response)
    names = [name for name, _ in events]
    assert names[0] == "agent"
    assert names[-1] == "done"
    assert set(names[1:-1]) == {"delta"}
    assert len(names) > 3
    head = events[0][1]
    assert (head["agent"]["slug"], head["routing"]["agent"], head["routing"]["intent"]) == (
        "elara",
        "elara",
        "tutoring",
    )
    done = events[-1][1]
    streamed = "".join(data["text"] for name, data in events if name == "delta")
    assert done["answer"]["content"] == streamed
    assert done["answer"]["status"] == "complete"
    assert Message.objects.filter(conversation_id=conversation_id).count() == 2
    assert str(Message.objects.get(role="assistant").id) == done["answer"]["id"]


def test_a_provider_breaking_mid_answer_sends_an_error_then_the_interrupted_exchange(
    room: Classroom, external: OpenAIServer
) -> None:
    external.script.default = Behaviour(
        kind="error_mid_stream", text="Plants make their food from light. They use chlorophyll to catch it. " * 3
    )
    conversation_id = thread(room)
    events = events_of(ask(session_client(room.learner), conversation_id, "How do plants make food?", stream=True))
    names = [name for name, _ in events]
    assert names[0] == "agent"
    assert names[-2:] == ["error", "done"]
    error, done = events[-2][1], events[-1][1]
    assert error == {
        "code": "agents_answer_interrupted",
        "detail": "I lost my connection while answering; please ask again.",
    }
    assert done["answer"]["status"] == "interrupted"
    assert not Message.objects.filter(content__contains="Plants make their food").exists()


# --- Feedback ---


def test_feedback_on_an_answer_is_kept_and_replaced(room: Classroom) -> None:
    conversation_id = thread(room)
    client = session_client(room.learner)
    answer_id = ask(client, conversation_id, "What is photosynthesis?").json()["answer"]["id"]
    response = post(client, f"/api/v1/messages/{answer_id}/feedback", {"helpful": True, "reason": "helpful"})
    assert response.status_code == 200
    assert {key: response.json()[key] for key in ("message_id", "helpful", "reason", "comment")} == {
        "message_id": answer_id,
        "helpful": True,
        "reason": "helpful",
        "comment": "",
    }
    again = post(
        client, f"/api/v1/messages/{answer_id}/feedback", {"helpful": False, "reason": "unclear", "comment": "Huh?"}
    ).json()
    assert (again["helpful"], again["reason"], again["comment"]) == (False, "unclear", "Huh?")
    assert MessageFeedback.objects.get().reason == "unclear"
    shown = client.get(f"/api/v1/conversations/{conversation_id}").json()["messages"][1]["feedback"]
    assert (shown["helpful"], shown["reason"]) == (False, "unclear")


def test_bad_feedback_is_a_problem_and_nothing_changes(room: Classroom) -> None:
    conversation = ConversationFactory(user=room.learner)
    question, answer = with_exchange(conversation)
    _, other_answer = with_exchange(ConversationFactory())
    client = session_client(room.learner)
    post(client, f"/api/v1/messages/{answer.id}/feedback", {"helpful": True})
    before = agents_snapshot()
    problem(post(client, f"/api/v1/messages/{other_answer.id}/feedback", {"helpful": True}), 404, "message_not_found")
    problem(post(client, f"/api/v1/messages/{uuid.uuid4()}/feedback", {"helpful": True}), 404, "message_not_found")
    problem(post(client, f"/api/v1/messages/{question.id}/feedback", {"helpful": True}), 422, "feedback_invalid")
    problem(
        post(client, f"/api/v1/messages/{answer.id}/feedback", {"helpful": True, "reason": "wrong"}),
        422,
        "feedback_invalid",
    )
    body = problem(
        post(client, f"/api/v1/messages/{answer.id}/feedback", {"helpful": False, "reason": "meh"}),
        422,
        "validation_failed",
    )
    assert body["errors"][0]["field"] == "body.reason"
    problem(post(client, f"/api/v1/messages/{answer.id}/feedback", {}), 422, "validation_failed")
    problem(
        post(client, f"/api/v1/messages/{answer.id}/feedback", {"helpful": False, "comment": "x" * 2001}),
        422,
        "validation_failed",
    )
    assert agents_snapshot() == before
    assert Agent.objects.filter(slug="elara").exists()


def test_a_transcript_costs_the_same_queries_for_one_exchange_or_many(
    room: Classroom, django_assert_max_num_queries: Any
) -> None:
    conversation = ConversationFactory(user=room.learner, course_id=room.course.id)
    _, answer = with_exchange(conversation, flags=["integrity"])
    MessageFeedback.objects.create(message=answer, user=room.learner, is_helpful=True, reason="helpful")
    client = session_client(room.learner)
    client.get("/api/v1/agents")  # the session's first request records it (allauth's user sessions)
    with django_assert_max_num_queries(9) as one:  # the edge's six and the thread
        client.get(f"/api/v1/conversations/{conversation.id}")
    for agent_slug in ("kofi", "naledi", "themba", "sankofa"):
        _, answer = with_exchange(conversation, agent_slug=agent_slug)
        MessageFeedback.objects.create(message=answer, user=room.learner, is_helpful=False, reason="unclear")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(f"/api/v1/conversations/{conversation.id}")
    messages = response.json()["messages"]
    assert len(messages) == 10
    assert [message["agent"] for message in messages[1::2]] == ["elara", "kofi", "naledi", "themba", "sankofa"]
    assert [message["feedback"]["reason"] for message in messages[1::2]] == ["helpful", *["unclear"] * 4]


def test_a_used_allowance_is_refused_with_the_plan_and_nothing_is_written(room: Classroom) -> None:
    conversation_id = thread(room)
    conversation = Conversation.objects.get(id=conversation_id)
    for _ in range(10):  # the FREE plan's ten questions this month
        with_exchange(conversation)
    client = session_client(room.learner)
    before = agents_snapshot()
    body = problem(ask(client, conversation_id, "What is chlorophyll?"), 403, "elara_question_limit_reached")
    assert (body["limit"], body["used"], body["plan"]) == (10, 10, "free")
    problem(ask(client, conversation_id, "What is chlorophyll?", stream=True), 403, "elara_question_limit_reached")
    assert agents_snapshot() == before


def test_a_retried_question_with_the_same_idempotency_key_is_answered_once(room: Classroom) -> None:
    conversation_id = thread(room)
    client = session_client(room.learner)
    path = f"/api/v1/conversations/{conversation_id}/messages"
    body = {"text": "What is photosynthesis?"}
    first = client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ask-1")
    again = client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ask-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Message.objects.filter(conversation_id=conversation_id).count() == 2
    assert agents.questions_used_this_month(user_id=room.learner.id) == 1
