"""The revenue /api/v1 routes for plans, course prices and student verification."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.revenue.pricing import money_parse
from azora.revenue.public import pricing
from azora.revenue.schemas.pricing import (
    CoursePricesIn,
    CoursePricesOut,
    PlanListOut,
    PlanOut,
    StudentStatusOut,
    StudentVerificationIn,
)
from azora.revenue.selectors.pricing import student_discount_bp_of_plan
from azora.shared.money import CURRENCY_EXPONENTS, Money

router = Router()

__all__ = ["router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no revenue scope, so they are refused."""
    return request_user_id(request, scope="revenue")


@router.get("/plans", response=PlanListOut, auth=None, summary="The plan catalogue with prices (no sign-in needed)")
def plan_list(request: HttpRequest, country: str | None = None) -> PlanListOut:
    views = pricing.plan_list(country=country)
    return PlanListOut(
        country=country.strip().upper() if country else None,
        plans=[PlanOut.of(view, student_discount_bp=student_discount_bp_of_plan(view.code)) for view in views],
    )


def _prices(payload: CoursePricesIn) -> list[Money]:
    """Parse before any write: an unknown currency or a malformed amount is a 422 naming the field."""
    parsed = []
    for index, item in enumerate(payload.prices):
        currency = item.currency.strip()
        if currency not in CURRENCY_EXPONENTS:
            raise pricing.CoursePriceInvalid(
                extra={"errors": [{"field": f"prices.{index}.currency", "message": f"Not sold in {currency!r}."}]}
            )
        parsed.append(money_parse(item.amount, currency=currency, field=f"prices.{index}.amount"))
    return parsed


@router.get("/courses/{uuid:course_id}/prices", response=CoursePricesOut, auth=None, summary="A course's prices")
def course_prices_get(request: HttpRequest, course_id: uuid.UUID) -> CoursePricesOut:
    return CoursePricesOut.of(course_id, pricing.course_prices(course_id=course_id))


@router.put(
    "/courses/{uuid:course_id}/prices",
    response=CoursePricesOut,
    summary="Set a course's prices (its instructors, on a plan that may sell); an empty list makes it free",
)
def course_prices_put(request: HttpRequest, course_id: uuid.UUID, payload: CoursePricesIn) -> CoursePricesOut:
    user_id = _user_id(request)
    prices = pricing.course_prices_set(course_id=course_id, user_id=user_id, prices=_prices(payload))
    return CoursePricesOut.of(course_id, prices)


@router.get("/me/student-status", response=StudentStatusOut, summary="Whether you get student pricing, and why")
def student_status_me(request: HttpRequest) -> StudentStatusOut:
    return StudentStatusOut.of(pricing.student_status(user_id=_user_id(request)))


@router.post(
    "/students/{uuid:user_id}/verification",
    response={201: StudentStatusOut},
    summary="Verify a user as a student by hand (platform admins)",
)
def student_verify(
    request: HttpRequest, user_id: uuid.UUID, payload: StudentVerificationIn
) -> Status[StudentStatusOut]:
    view = pricing.student_verify_manual(
        user_id=user_id, verified_by_id=_user_id(request), evidence=payload.evidence, expires_at=payload.expires_at
    )
    return Status(201, StudentStatusOut.of(view))
