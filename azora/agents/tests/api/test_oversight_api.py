"""GET|POST /me/oversight-consent and GET /oversight/conversations: the notice, consent once, and the list
overseers see (flagged first, every flag); transcripts through GET /conversations/{id}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.agents.models import OversightConsent
from azora.agents.public import OVERSIGHT_NOTICE_VERSION
from azora.agents.tests.api.conftest import agents_snapshot, problem
from azora.agents.tests.factories import ConversationFactory, with_exchange
from azora.agents.tests.oversight.conftest import School, school  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


def test_the_notice_is_shown_and_consent_is_given_once(db: None) -> None:
    learner = UserFactory()
    client = session_client(learner)
    shown = client.get("/api/v1/me/oversight-consent")
    assert shown.status_code == 200
    body = shown.json()
    assert (body["version"], body["given"]) == (OVERSIGHT_NOTICE_VERSION, False)
    assert "instructors of the course you ask about" in body["text"]
    given = client.post("/api/v1/me/oversight-consent", content_type="application/json")
    assert (given.status_code, given.json()["given"]) == (200, True)
    again = client.post("/api/v1/me/oversight-consent", content_type="application/json")
    assert again.json() == given.json()
    assert list(OversightConsent.objects.values_list("user_id", "notice_version")) == [
        (learner.id, OVERSIGHT_NOTICE_VERSION)
    ]
    body = problem(
        client.post("/api/v1/me/oversight-consent", {"version": 9}, content_type="application/json"),
        422,
        "validation_failed",
    )
    assert body["errors"][0]["type"] == "extra_forbidden"


def test_the_instructor_sees_their_learners_threads_flagged_first(
    school: School,  # noqa: F811 -- the fixture
    django_assert_max_num_queries: Any,
) -> None:
    learner = UserFactory(display_name="Amara")
    calm = ConversationFactory(user=learner, course_id=school.course.id)
    with_exchange(calm)
    flagged = ConversationFactory(user=learner, course_id=school.course.id)
    with_exchange(flagged, flags=["integrity"])
    with_exchange(flagged, flags=["safety"])
    with_exchange(ConversationFactory(course_id=school.other_course.id), flags=["safety"])
    client = session_client(school.instructor)
    client.get("/api/v1/me/oversight-consent")  # warms the session
    with django_assert_max_num_queries(14) as few:  # the edge's six and the list's eight
        response = client.get("/api/v1/oversight/conversations")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [str(flagged.id), str(calm.id)]
    assert {key: items[0][key] for key in ("user_id", "learner_name", "course_title", "flags", "flagged_messages")} == {
        "user_id": str(learner.id),
        "learner_name": "Amara",
        "course_title": "Fractions for beginners",
        "flags": ["integrity", "safety"],
        "flagged_messages": 2,
    }
    assert items[0]["message_count"] == 4
    assert items[1]["flags"] == []
    for _ in range(5):
        with_exchange(ConversationFactory(user=learner, course_id=school.course.id))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/oversight/conversations").json()["items"]) == 7

    flagged_only = client.get("/api/v1/oversight/conversations?flagged=true").json()["items"]
    assert [item["id"] for item in flagged_only] == [str(flagged.id)]
    assert client.get(f"/api/v1/oversight/conversations?course_id={school.other_course.id}").json()["items"] == []
    transcript = client.get(f"/api/v1/conversations/{flagged.id}").json()
    assert [message["flags"] for message in transcript["messages"]] == [[], ["integrity"], [], ["safety"]]


def test_a_page_at_a_time_and_bad_queries_are_problems(school: School) -> None:  # noqa: F811 -- the fixture
    for _ in range(3):
        with_exchange(ConversationFactory(course_id=school.course.id))
    client = session_client(school.instructor)
    first = client.get("/api/v1/oversight/conversations?limit=2").json()
    second = client.get(f"/api/v1/oversight/conversations?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    problem(client.get("/api/v1/oversight/conversations?cursor=bogus"), 422, "invalid_cursor")
    problem(client.get("/api/v1/oversight/conversations?limit=0"), 422, "validation_failed")
    problem(client.get("/api/v1/oversight/conversations?course_id=nope"), 422, "validation_failed")


def test_people_who_oversee_nobody_see_nothing_and_cannot_read_transcripts(
    school: School,  # noqa: F811 -- the fixture
) -> None:
    conversation = ConversationFactory(course_id=school.course.id, organisation_id=school.organisation.id)
    with_exchange(conversation, flags=["integrity"])
    before = agents_snapshot()
    for viewer in (school.stranger, school.org_member):
        client = session_client(viewer)
        assert client.get("/api/v1/oversight/conversations").json() == {"items": [], "next_cursor": None}
        problem(client.get(f"/api/v1/conversations/{conversation.id}"), 404, "conversation_not_found")
    for viewer in (school.org_admin, school.platform_admin, school.instructor):
        client = session_client(viewer)
        assert [item["id"] for item in client.get("/api/v1/oversight/conversations").json()["items"]] == [
            str(conversation.id)
        ]
        assert client.get(f"/api/v1/conversations/{conversation.id}").status_code == 200
    assert agents_snapshot() == before


def test_anonymous_callers_are_refused(client: Client) -> None:
    assert client.get("/api/v1/oversight/conversations").status_code == 401
    assert client.get("/api/v1/me/oversight-consent").status_code == 401
    assert client.post("/api/v1/me/oversight-consent", content_type="application/json").status_code == 401
