"""GET|POST|DELETE /me/memory and DELETE /me/memory/{id}: the caller's own items; refusals change nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client, override_settings

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.agents.models import MemoryItem
from azora.agents.tests.api.conftest import agents_snapshot, problem
from azora.agents.tests.core.conftest import Classroom
from azora.agents.tests.factories import MemoryItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory()
    return user


def add(client: Client, body: Any) -> Any:
    return client.post("/api/v1/me/memory", body, content_type="application/json")


def test_the_learner_adds_sees_and_erases_their_memory(learner: User, django_assert_max_num_queries: Any) -> None:
    client = session_client(learner)
    goal = add(client, {"kind": "goal", "text": "Become a nurse"})
    assert goal.status_code == 201
    assert {key: goal.json()[key] for key in ("kind", "text", "label", "source")} == {
        "kind": "goal",
        "text": "Become a nurse",
        "label": "Become a nurse",
        "source": "learner",
    }
    language = add(client, {"kind": "language", "text": "Français"}).json()
    assert (language["text"], language["label"]) == ("fr", "French")
    again = add(client, {"kind": "goal", "text": "become a nurse"})
    assert (again.status_code, again.json()["id"]) == (201, goal.json()["id"])
    MemoryItemFactory(user=learner, kind="difficulty", text="Fractions", source="conversation")
    MemoryItemFactory()  # someone else's

    with django_assert_max_num_queries(7):  # the edge's six and the items
        listed = client.get("/api/v1/me/memory")
    body = listed.json()
    assert body["limit"] == 20
    assert [(item["kind"], item["text"], item["source"]) for item in body["items"]] == [
        ("goal", "Become a nurse", "learner"),
        ("difficulty", "Fractions", "conversation"),
        ("language", "fr", "learner"),
    ]

    erased_one = client.delete(f"/api/v1/me/memory/{goal.json()['id']}")
    assert erased_one.status_code == 204
    assert [item["kind"] for item in client.get("/api/v1/me/memory").json()["items"]] == ["difficulty", "language"]
    erased = client.delete("/api/v1/me/memory")
    assert (erased.status_code, erased.json()) == (200, {"erased": 2})
    assert client.get("/api/v1/me/memory").json()["items"] == []
    assert MemoryItem.objects.count() == 1  # the other learner's item stays


def test_someone_elses_or_an_unknown_item_is_not_found_and_nothing_changes(learner: User) -> None:
    other = MemoryItemFactory()
    MemoryItemFactory(user=learner)
    client = session_client(learner)
    before = agents_snapshot()
    problem(client.delete(f"/api/v1/me/memory/{other.id}"), 404, "memory_item_not_found")
    problem(client.delete(f"/api/v1/me/memory/{uuid.uuid4()}"), 404, "memory_item_not_found")
    assert agents_snapshot() == before


def test_invalid_items_are_problems_and_nothing_changes(learner: User) -> None:
    client = session_client(learner)
    before = agents_snapshot()
    body = problem(add(client, {"kind": "secret", "text": "x"}), 422, "validation_failed")
    assert body["errors"][0]["field"] == "body.kind"
    problem(add(client, {"kind": "goal"}), 422, "validation_failed")
    problem(add(client, {"kind": "goal", "text": "x", "source": "onboarding"}), 422, "validation_failed")
    body = problem(add(client, {"kind": "goal", "text": "   "}), 422, "memory_item_invalid")
    assert body["errors"] == [{"field": "text", "message": "The text is empty."}]
    problem(add(client, {"kind": "goal", "text": "x" * 301}), 422, "memory_item_invalid")
    assert agents_snapshot() == before


@override_settings(AZORA_AGENTS_MEMORY_ITEMS=1)
def test_a_full_memory_is_a_conflict_with_the_limit(learner: User) -> None:
    client = session_client(learner)
    add(client, {"kind": "goal", "text": "Pass matric"})
    before = agents_snapshot()
    body = problem(add(client, {"kind": "goal", "text": "Become a nurse"}), 409, "memory_full")
    assert body["limit"] == 1
    assert agents_snapshot() == before
    assert client.get("/api/v1/me/memory").json()["limit"] == 1


def test_anonymous_callers_are_refused(client: Client) -> None:
    assert client.get("/api/v1/me/memory").status_code == 401
    assert client.delete("/api/v1/me/memory").status_code == 401
    assert add(client, {"kind": "goal", "text": "x"}).status_code == 401


def test_what_the_learner_says_about_themselves_is_remembered_and_shown(room: Classroom) -> None:
    client = session_client(room.learner)
    conversation = client.post(
        "/api/v1/conversations", {"course_id": str(room.course.id)}, content_type="application/json"
    ).json()
    asked = client.post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        {"text": "I want to become a nurse, but I struggle with fractions. What is a fraction?"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    items = client.get("/api/v1/me/memory").json()["items"]
    assert [(item["kind"], item["text"], item["source"]) for item in items] == [
        ("goal", "Become a nurse", "conversation"),
        ("difficulty", "Fractions", "conversation"),
    ]
    assert MemoryItem.objects.filter(conversation_id=conversation["id"]).count() == 2
