"""The placement API: start/resume, read, answer (409 for anything but the current item), the learning path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Question
from azora.onboarding.tests.placement.conftest import Catalogue, placement_snapshot, right_answer

pytestmark = pytest.mark.django_db

START = "/api/v1/placement/attempts"
PATH = "/api/v1/me/learning-path"


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body if body is not None else {}, content_type="application/json")


def test_a_learner_takes_the_placement_through_the_api_and_reads_the_path(
    catalogue: Catalogue, learner: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = session_client(learner)
    started = post(client, START)
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "active"
    assert body["current"]["number"] == 1
    assert body["current"]["level"] == "intermediate"
    assert body["current"]["choices"] == [
        {"id": "a", "text": "Rand"},
        {"id": "b", "text": "Dollar"},
        {"id": "c", "text": "Euro"},
    ]
    assert "correct" not in started.content.decode()
    resumed = post(client, START)
    assert (resumed.status_code, resumed.json()["id"]) == (200, body["id"])
    assert client.get(f"{START}/{body['id']}").json() == body
    while body["status"] == "active":
        response = post(
            client,
            f"{START}/{body['id']}/answers",
            {"question_id": body["current"]["question_id"], "answer": right_answer(body["current"]["kind"])},
        )
        assert response.status_code == 200, response.content
        body = response.json()
    assert body["estimates"] == {"money": "intermediate", "tech": "intermediate"}
    assert body["learning_path_id"] is not None
    # The session's auth (user, user session, its touch) plus three: the path, its courses, their prerequisites;
    # the same whatever the number of courses on the path.
    with django_assert_max_num_queries(9):
        path = client.get(PATH)
    assert path.status_code == 200
    data = path.json()
    assert data["id"] == body["learning_path_id"]
    assert [item["course_slug"] for item in data["items"]] == [
        catalogue.courses["money-growth"].slug,
        catalogue.courses["tech-building"].slug,
    ]
    assert data["items"][0]["lesson_id"] == str(catalogue.first_lessons["money-growth"].id)
    assert data["items"][0]["reason"].endswith("intermediate questions on Money well, so start with “Money Growth”.")
    assert data["placement_reoffered"] is False
    assert data["subject_names"] == {"money": "Money", "tech": "Technology"}


def test_wrong_item_finished_attempt_bad_answer_and_strangers_get_problems_and_change_nothing(
    catalogue: Catalogue, learner: User
) -> None:
    client = session_client(learner)
    body = post(client, START).json()
    current = body["current"]["question_id"]
    other = str(Question.objects.exclude(pk=current).values_list("id", flat=True).first())
    before = placement_snapshot()
    wrong_item = post(client, f"{START}/{body['id']}/answers", {"question_id": other, "answer": "a"})
    assert wrong_item.status_code == 409
    assert wrong_item["Content-Type"].startswith("application/problem+json")
    assert wrong_item.json()["code"] == "placement_item_not_current"
    bad = post(client, f"{START}/{body['id']}/answers", {"question_id": current, "answer": ["x"]})
    assert bad.status_code == 422
    assert bad.json()["code"] == "answer_invalid"
    extra = post(client, f"{START}/{body['id']}/answers", {"question_id": current, "answer": "a", "score": 1})
    assert extra.status_code == 422
    stranger = session_client(UserFactory())
    assert stranger.get(f"{START}/{body['id']}").status_code == 404
    not_found = post(stranger, f"{START}/{body['id']}/answers", {"question_id": current, "answer": "a"})
    assert not_found.status_code == 404
    assert not_found.json()["code"] == "placement_not_found"
    assert placement_snapshot() == before


def test_no_learning_path_yet_is_a_404_and_anonymous_callers_are_refused(learner: User) -> None:
    response = session_client(learner).get(PATH)
    assert response.status_code == 404
    assert response.json()["code"] == "learning_path_not_found"
    assert Client().get(PATH).status_code == 401
    assert post(Client(), START).status_code == 401
