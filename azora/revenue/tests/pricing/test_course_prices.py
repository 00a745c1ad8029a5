"""`PUT /api/v1/courses/{id}/prices`: instructors on a plan that may sell set prices per currency; an empty list
makes the course free; bad input is a problem and changes nothing (no price row, no paid flag, no event)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import jwt_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.education import public as education
from azora.education.models import Course
from azora.education.tests.factories import CourseFactory, instructor_user
from azora.revenue.models import CoursePrice, Plan, Subscription
from azora.revenue.public import pricing
from azora.revenue.tests.pricing.factories import plan_catalogue, subscribe
from azora.shared.models import OutboxEvent
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def instructor(catalogue: dict[str, Plan]) -> User:
    user = instructor_user()
    subscribe(user, "pro")
    return user


@pytest.fixture
def course(instructor: User) -> Course:
    course: Course = CourseFactory(published=True, created_by=instructor)
    return course


def put(client: Client, course: Course, body: Any) -> Any:
    return client.put(f"/api/v1/courses/{course.id}/prices", data=json.dumps(body), content_type=JSON)


def amount(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": currency, "minor": minor}


def snapshot(course: Course) -> tuple[Any, ...]:
    course.refresh_from_db()
    return (
        course.is_paid,
        sorted(CoursePrice.objects.filter(course_id=course.id).values_list("currency", "amount_minor")),
        OutboxEvent.objects.count(),
    )


def test_an_instructor_on_pro_sets_prices_and_the_course_becomes_paid(instructor: User, course: Course) -> None:
    response = put(jwt_client(instructor), course, {"prices": [{"currency": "ZAR", "amount": "200.00"},
                                                                {"currency": "USD", "amount": "11.99"}]})  # fmt: skip

    assert response.status_code == 200, response.content
    assert response.json() == {
        "course_id": str(course.id),
        "is_paid": True,
        "prices": [amount(1_199, "USD"), amount(20_000, "ZAR")],
    }
    assert education.course_facts(course_id=course.id).is_paid is True
    assert pricing.course_prices(course_id=course.id) == {"USD": Money(1_199, "USD"), "ZAR": Money(20_000, "ZAR")}
    assert pricing.course_price(course_id=course.id, currency="ZAR") == Money(20_000, "ZAR")
    with pytest.raises(pricing.PriceNotAvailable):
        pricing.course_price(course_id=course.id, currency="EUR")
    assert CoursePrice.objects.get(course_id=course.id, currency="ZAR").set_by_id == instructor.id


def test_a_new_list_replaces_the_old_one(instructor: User, course: Course) -> None:
    client = jwt_client(instructor)
    put(client, course, {"prices": [{"currency": "ZAR", "amount": "200.00"}, {"currency": "USD", "amount": "11.99"}]})

    response = put(client, course, {"prices": [{"currency": "ZAR", "amount": "250.00"}]})

    assert response.json()["prices"] == [amount(25_000, "ZAR")]
    assert pricing.course_prices(course_id=course.id) == {"ZAR": Money(25_000, "ZAR")}


def test_an_empty_list_makes_the_course_free_again_even_without_a_selling_plan(
    instructor: User, course: Course
) -> None:
    client = jwt_client(instructor)
    put(client, course, {"prices": [{"currency": "ZAR", "amount": "200.00"}]})
    Subscription.objects.filter(user=instructor).update(status="canceled")  # the instructor is back on FREE

    response = put(client, course, {"prices": []})

    assert response.status_code == 200
    assert response.json() == {"course_id": str(course.id), "is_paid": False, "prices": []}
    assert education.course_facts(course_id=course.id).is_paid is False
    assert pricing.course_price(course_id=course.id, currency="ZAR") is None


def test_get_prices_needs_no_sign_in(instructor: User, course: Course) -> None:
    put(jwt_client(instructor), course, {"prices": [{"currency": "ZAR", "amount": "200.00"}]})

    response = Client().get(f"/api/v1/courses/{course.id}/prices")

    assert response.json() == {"course_id": str(course.id), "is_paid": True, "prices": [amount(20_000, "ZAR")]}


@pytest.mark.parametrize(
    ("prices", "code", "field"),
    [
        ([{"currency": "XYZ", "amount": "200.00"}], "course_price_invalid", "prices.0.currency"),
        ([{"currency": "zar", "amount": "200.00"}], "course_price_invalid", "prices.0.currency"),
        ([{"currency": "AZR", "amount": "200.00"}], "course_price_invalid", "prices.0.currency"),
        ([{"currency": "ZAR", "amount": "200.001"}], "validation_failed", "prices.0.amount"),
        ([{"currency": "ZAR", "amount": "abc"}], "validation_failed", "prices.0.amount"),
        ([{"currency": "ZAR", "amount": "0.00"}], "course_price_invalid", "prices.0.amount"),
        ([{"currency": "ZAR", "amount": "-5.00"}], "course_price_invalid", "prices.0.amount"),
        ([{"currency": "ZAR", "amount": "1000000.01"}], "course_price_invalid", "prices.0.amount"),
        ([{"currency": "ZAR", "amount": "200.00"}, {"currency": "ZAR", "amount": "300.00"}], "course_price_invalid",
         "prices.1.currency"),
        ([{"currency": "USD", "amount": "10.00"}, {"currency": "ZAR", "amount": "NaN"}], "validation_failed",
         "prices.1.amount"),
    ],
)  # fmt: skip
def test_a_wrong_currency_or_amount_is_a_422_and_changes_nothing(
    instructor: User, course: Course, prices: list[dict[str, str]], code: str, field: str
) -> None:
    client = jwt_client(instructor)
    put(client, course, {"prices": [{"currency": "ZAR", "amount": "200.00"}]})
    before = snapshot(course)

    response = put(client, course, {"prices": prices})

    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code
    assert field in [error["field"] for error in body["errors"]]
    assert snapshot(course) == before


@pytest.mark.parametrize(
    "body",
    [{}, {"prices": "200"}, {"prices": [{"currency": "ZAR"}]}, {"prices": [{"currency": "ZAR", "amount": 200}]},
     {"prices": [], "is_paid": True}],
)  # fmt: skip
def test_a_malformed_body_is_a_422_and_changes_nothing(instructor: User, course: Course, body: Any) -> None:
    before = snapshot(course)

    response = put(jwt_client(instructor), course, body)

    assert response.status_code == 422
    assert snapshot(course) == before


def test_an_instructor_on_free_may_not_sell(catalogue: dict[str, Plan]) -> None:
    instructor = instructor_user()
    course = CourseFactory(published=True, created_by=instructor)
    before = snapshot(course)

    response = put(jwt_client(instructor), course, {"prices": [{"currency": "ZAR", "amount": "200.00"}]})

    assert response.status_code == 403
    assert response.json()["code"] == "plan_may_not_sell"
    assert snapshot(course) == before


def test_only_an_instructor_of_the_course_sets_its_prices(instructor: User, course: Course) -> None:
    outsider = UserFactory()
    subscribe(outsider, "pro")
    before = snapshot(course)

    response = put(jwt_client(outsider), course, {"prices": [{"currency": "ZAR", "amount": "1.00"}]})

    assert response.status_code == 403
    assert response.json()["code"] == "course_prices_forbidden"
    assert snapshot(course) == before


def test_a_co_instructor_on_pro_may_set_prices(instructor: User) -> None:
    co_instructor = instructor_user()
    subscribe(co_instructor, "enterprise")
    course = CourseFactory(published=True, created_by=instructor, instructors=[instructor, co_instructor])

    response = put(jwt_client(co_instructor), course, {"prices": [{"currency": "ZAR", "amount": "99.00"}]})

    assert response.status_code == 200


def test_an_unknown_course_is_not_found_and_anonymous_callers_must_sign_in(instructor: User, course: Course) -> None:
    missing = jwt_client(instructor).put(
        "/api/v1/courses/01939a1e-0000-7000-8000-000000000000/prices",
        data=json.dumps({"prices": []}),
        content_type=JSON,
    )
    anonymous = put(Client(), course, {"prices": []})

    assert (missing.status_code, missing.json()["code"]) == (404, "course_not_found")
    assert anonymous.status_code == 401


def test_an_api_key_is_refused(instructor: User, course: Course) -> None:
    key = ApiKeyFactory(user=instructor)
    before = snapshot(course)

    response = put(Client(HTTP_AUTHORIZATION=f"Bearer {key.key}"), course, {"prices": []})

    assert response.status_code == 403
    assert snapshot(course) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_leave_one_whole_list_and_a_matching_paid_flag() -> None:
    plan_catalogue()
    instructor = instructor_user()
    subscribe(instructor, "pro")
    course = CourseFactory(published=True, created_by=instructor)
    lists: tuple[list[Money], ...] = (
        [Money(20_000, "ZAR"), Money(1_199, "USD")],
        [],
        [Money(25_000, "ZAR"), Money(1_099, "EUR")],
    )

    outcomes = race_errors(
        *(lambda p=p: pricing.course_prices_set(course_id=course.id, user_id=instructor.id, prices=p) for p in lists)
    )

    assert outcomes == [None, None, None]
    final = pricing.course_prices(course_id=course.id)
    assert sorted(final.values(), key=str) in [sorted(p, key=str) for p in lists]
    assert education.course_facts(course_id=course.id).is_paid is bool(final)
