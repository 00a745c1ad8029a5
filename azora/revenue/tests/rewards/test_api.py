"""GET /api/v1/me/rewards and /me/rewards/summary: the caller's rewards with their proof, and this month's cap."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.revenue.public.rewards import RewardView
from azora.revenue.services import rewards

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/rewards"


def earn(user: User, course: Course, item: str, **fields: Any) -> RewardView:
    return rewards.reward_grant(
        user_id=user.id,
        item=item,
        item_id=fields.pop("item_id", uuid.uuid4()),
        course_id=course.id,
        event_id=fields.pop("event_id", uuid.uuid4()),
        event_type="education.assessment_passed" if item == "assessment_passed" else "education.lesson_completed",
        **fields,
    )


def test_the_list_shows_amount_item_course_proof_and_status_newest_first(
    learner: User, course_of: Callable[..., Course]
) -> None:
    course = course_of("expert", title="Compound interest")
    event_id = uuid.uuid4()
    assessment_id = uuid.uuid4()
    first = earn(learner, course, "lesson_completion")  # 9.00
    second = earn(
        learner, course, "assessment_passed", item_id=assessment_id, event_id=event_id, score=Decimal("100")
    )  # 75.00 by the formula, 41.00 left under FREE's 50.00
    earn(UserFactory(), course, "lesson_completion")  # someone else's
    response = session_client(learner).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [str(second.id), str(first.id)]
    assert body["next_cursor"] is None
    item = body["items"][0]
    assert item["proof"]["caps"] == {
        "monthly_cap_minor": 50_00,
        "monthly_room_minor": 41_00,
        "daily_cap_minor": 200_00,
        "daily_room_minor": 191_00,
    }
    assert item["proof"]["formula"]["score_bonus"] == "2"
    del item["proof"]["formula"], item["proof"]["caps"]
    assert item == {
        "id": str(second.id),
        "item": "assessment_passed",
        "item_id": str(assessment_id),
        "course_id": str(course.id),
        "course_title": "Compound interest",
        "status": "capped",
        "amount": {"amount": "41.00", "currency": "AZR", "minor": 41_00},
        "proof": {
            "event_id": str(event_id),
            "event_type": "education.assessment_passed",
            "course_title": "Compound interest",
            "level": "expert",
            "score": "100",
            "seconds_spent": 0,
            "formula_amount_minor": 75_00,
        },
        "transfer_id": str(second.transfer_id),
        "created_at": second.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def test_pages_follow_the_cursor_within_a_query_budget(
    learner: User,
    course_of: Callable[..., Course],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    course = course_of()
    made = [earn(learner, course, "lesson_completion").id for _ in range(5)]
    client = session_client(learner)
    client.get(URL)  # the session and user are loaded once, as for any request
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        # The session middleware's reads and usersessions' update (with its savepoint): 6; the page: 1.
        with django_assert_max_num_queries(7):
            response = client.get(URL, {"limit": 2, **({"cursor": cursor} if cursor else {})})
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert seen == [str(reward_id) for reward_id in reversed(made)]
    assert cursor is None


@pytest.mark.parametrize(
    ("query", "code"),
    [({"cursor": "not-a-cursor"}, "invalid_cursor"), ({"limit": 0}, "validation_failed"), ({"limit": 101}, None)],
)
def test_bad_paging_is_a_problem(learner: User, query: dict[str, str | int], code: str | None) -> None:
    response = session_client(learner).get(URL, query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    if code:
        assert response.json()["code"] == code


def test_anonymous_callers_are_refused(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 401
    assert client.get(f"{URL}/summary").status_code == 401


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="20")
def test_the_summary_shows_this_months_earnings_against_the_cap(
    learner: User, course_of: Callable[..., Course]
) -> None:
    course = course_of()
    earn(learner, course, "lesson_completion")
    earn(learner, course, "lesson_completion")
    response = session_client(learner).get(f"{URL}/summary")
    assert response.status_code == 200
    today = timezone.now()
    assert response.json() == {
        "month": today.date().replace(day=1).isoformat(),
        "earned": {"amount": "6.00", "currency": "AZR", "minor": 6_00},
        "cap": {"amount": "50.00", "currency": "AZR", "minor": 50_00},
        "remaining": {"amount": "44.00", "currency": "AZR", "minor": 44_00},
        "daily_cap": {"amount": "20.00", "currency": "AZR", "minor": 20_00},
        "earned_today": {"amount": "6.00", "currency": "AZR", "minor": 6_00},
    }


def test_api_keys_carry_no_revenue_scope_and_are_refused(learner: User) -> None:
    from azora.accounts.tests.conftest import key_client
    from azora.accounts.tests.factories import ApiKeyFactory

    client = key_client(ApiKeyFactory(user=learner).key)
    for path in (URL, f"{URL}/summary", "/api/v1/me/offers"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "insufficient_scope"
