"""The onboarding flows API: flows, start or resume, a session, a step (problems for refusals), the suggestion."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from azora.accounts.models import User
from azora.accounts.tests.conftest import jwt_client, key_client, session_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.onboarding.models import StepRecord
from azora.onboarding.tests.flows.conftest import start, walk

pytestmark = pytest.mark.django_db

FLOWS = "/api/v1/onboarding/flows"
SESSIONS = "/api/v1/onboarding/sessions"


def post(client: Client, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def test_the_flows_are_listed_with_their_steps(
    learner: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = session_client(learner)
    client.get(FLOWS)  # the first request of a session also records it (allauth's user sessions)
    with django_assert_max_num_queries(7):  # the signed-in caller's 6 (session, user, allauth's record), the flows
        response = client.get(FLOWS)
    assert response.status_code == 200
    body = response.json()
    assert [flow["slug"] for flow in body] == ["instructor", "learner", "organisation"]
    learner_flow = body[1]
    assert (learner_flow["title"], learner_flow["version"], len(learner_flow["steps"])) == ("Learner onboarding", 1, 7)
    assert learner_flow["steps"][4] == {
        "slug": "placement",
        "title": "Placement",
        "kind": "placement",
        "skippable": True,
        "guide": learner_flow["steps"][4]["guide"],
        "status": "",
        "data": None,
    }


def test_a_session_is_started_201_then_resumed_200(learner: User) -> None:
    client = jwt_client(learner)
    first = post(client, SESSIONS, {"flow": "learner"})
    assert first.status_code == 201
    body = first.json()
    assert (body["flow"], body["status"], body["current_step"], body["progress"]) == ("learner", "active", "welcome", 0)
    assert (body["next_url"], body["completed_at"]) == ("", None)
    again = post(client, SESSIONS, {})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]


def test_an_unknown_flow_is_a_404_problem(learner: User) -> None:
    response = post(session_client(learner), SESSIONS, {"flow": "dancer"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "onboarding_flow_not_found"


def test_a_session_is_read_by_its_owner_only(
    learner: User, stranger: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    view = walk(learner, "learner", until="goals")
    client = session_client(learner)
    client.get(f"{SESSIONS}/{view.id}")  # the first request of a session also records it (allauth's user sessions)
    with django_assert_max_num_queries(8):  # the caller's 6, the onboarding session and its step records
        response = client.get(f"{SESSIONS}/{view.id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["current_step"], body["progress"]) == ("goals", round(2 / 7, 4))
    assert [step["status"] for step in body["steps"]] == ["completed", "completed", "", "", "", "", ""]
    other = session_client(stranger).get(f"{SESSIONS}/{view.id}")
    assert other.status_code == 404
    assert other.json()["code"] == "onboarding_session_not_found"


def test_a_step_is_completed_and_pro_answers_the_plan_checkout(learner: User) -> None:
    view = walk(learner, "learner", until="plan")
    response = post(session_client(learner), f"{SESSIONS}/{view.id}/steps/plan", {"data": {"plan": "PRO"}})
    assert response.status_code == 200
    body = response.json()
    assert (body["current_step"], body["next_url"]) == ("first_lesson", "/pay/buy/plan/pro/")
    assert body["steps"][5]["data"] == {"plan": "pro"}


def test_a_skippable_step_is_skipped(learner: User) -> None:
    view = walk(learner, "learner", until="goals")
    response = post(session_client(learner), f"{SESSIONS}/{view.id}/steps/goals", {"skip": True})
    assert response.status_code == 200
    assert response.json()["steps"][2]["status"] == "skipped"


@pytest.mark.parametrize(
    ("step", "payload", "status", "code"),
    [
        ("plan", {"data": {"plan": "free"}}, 409, "onboarding_step_out_of_order"),
        ("profile", {"skip": True}, 409, "onboarding_step_not_skippable"),
        ("profile", {"data": {"display_name": ""}}, 422, "onboarding_step_data_invalid"),
        ("nope", {}, 422, "onboarding_step_unknown"),
    ],
)
def test_refused_steps_are_problems_and_record_nothing(
    learner: User, step: str, payload: dict[str, Any], status: int, code: str
) -> None:
    view = walk(learner, "learner", until="profile")
    records = StepRecord.objects.count()
    response = post(session_client(learner), f"{SESSIONS}/{view.id}/steps/{step}", payload)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert StepRecord.objects.count() == records


def test_invalid_data_lists_the_fields(learner: User) -> None:
    view = walk(learner, "learner", until="profile")
    response = post(session_client(learner), f"{SESSIONS}/{view.id}/steps/profile", {"data": {"country": "Kenya"}})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["display_name", "country"]


def test_a_step_of_someone_elses_session_is_a_404(learner: User, stranger: User) -> None:
    view = start(learner)
    response = post(session_client(stranger), f"{SESSIONS}/{view.id}/steps/welcome", {})
    assert response.status_code == 404
    assert not StepRecord.objects.exists()


def test_the_suggestion_reads_the_sign_up_email() -> None:
    student = UserFactory(email="thandi@uct.ac.za")
    response = session_client(student).get("/api/v1/onboarding/suggestion")
    assert response.status_code == 200
    assert response.json() == {
        "user_type": "learner",
        "is_student": True,
        "reason": "Your email address at ac.za suggests you are a student.",
    }


def test_titles_and_guides_follow_the_callers_language(learner: User) -> None:
    with translation.override("fr"):
        expected = translation.gettext("Welcome to Azora")
    response = session_client(learner).get(FLOWS, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()[1]["steps"][0]["title"] == expected


def test_anonymous_callers_and_api_keys_are_refused(learner: User) -> None:
    assert Client().get(FLOWS).status_code == 401
    assert post(Client(), SESSIONS, {}).status_code == 401
    key = ApiKeyFactory(user=learner)
    response = key_client(key.key).get(FLOWS)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert post(key_client(key.key), SESSIONS, {"flow": "learner"}).status_code == 403


def test_an_unknown_session_id_is_a_404(learner: User) -> None:
    assert session_client(learner).get(f"{SESSIONS}/{uuid.uuid4()}").status_code == 404
