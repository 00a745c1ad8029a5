"""Request and response schemas of the pricing API: plans with prices, course prices and student verification."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Field, Schema

from azora.revenue.public.pricing import PlanView, StudentStatusView
from azora.shared.money import Money
from azora.shared.schemas import AmountOut, StrictIn, amount_out

__all__ = [
    "CoursePriceIn",
    "CoursePricesIn",
    "CoursePricesOut",
    "PlanFeaturesOut",
    "PlanLimitsOut",
    "PlanListOut",
    "PlanOut",
    "PlanPriceOut",
    "StudentStatusOut",
    "StudentVerificationIn",
]


class PlanPriceOut(Schema):
    interval: str = Field(description='"month" or "year".')
    price: AmountOut
    source: str = Field(description='"base", "country" (an explicit price for the country) or "converted".')
    country: str | None = None
    student_price: AmountOut | None = Field(
        default=None, description="What a verified student pays; null when the plan has no student discount."
    )


class PlanLimitsOut(Schema):
    enrolments_per_month: int | None = Field(description="New course enrolments a month; null = unlimited.")
    elara_questions_per_month: int | None = Field(description="Questions to Elara a month; null = unlimited.")
    azr_earn_per_month: AmountOut


class PlanFeaturesOut(Schema):
    may_sell: bool
    instructor_share_bp: int = Field(description="The instructor's share of a sale in basis points (7000 = 70%).")
    certificates: bool
    offline_access: bool


class PlanOut(Schema):
    code: str
    name: str
    description: str
    rank: int
    is_per_seat: bool
    trial_days: int
    limits: PlanLimitsOut
    features: PlanFeaturesOut
    student_discount_bp: int = Field(description="The discount a verified student gets on this plan.")
    prices: list[PlanPriceOut]

    @classmethod
    def of(cls, view: PlanView, *, student_discount_bp: int) -> PlanOut:
        return cls(
            code=view.code,
            name=view.name,
            description=view.description,
            rank=view.rank,
            is_per_seat=view.is_per_seat,
            trial_days=view.trial_days,
            limits=PlanLimitsOut(
                enrolments_per_month=view.enrolments_per_month,
                elara_questions_per_month=view.elara_questions_per_month,
                azr_earn_per_month=amount_out(view.azr_earn_per_month),
            ),
            features=PlanFeaturesOut(
                may_sell=view.may_sell,
                instructor_share_bp=view.instructor_share_bp,
                certificates=view.certificates,
                offline_access=view.offline_access,
            ),
            student_discount_bp=student_discount_bp,
            prices=[
                PlanPriceOut(
                    interval=p.interval,
                    price=amount_out(p.amount),
                    source=p.source,
                    country=p.country,
                    student_price=amount_out(p.student_amount) if p.student_amount is not None else None,
                )
                for p in view.prices
            ],
        )


class PlanListOut(Schema):
    country: str | None = Field(description="The country the prices are for; null = every base price.")
    plans: list[PlanOut]


class CoursePriceIn(StrictIn):
    currency: str = Field(description="ISO 4217 code, e.g. ZAR.", max_length=8)
    amount: str = Field(description='Exact decimal string, e.g. "200.00".', max_length=32)


class CoursePricesIn(StrictIn):
    prices: list[CoursePriceIn] = Field(description="One price per currency; an empty list makes the course free.")


class CoursePricesOut(Schema):
    course_id: uuid.UUID
    is_paid: bool
    prices: list[AmountOut]

    @classmethod
    def of(cls, course_id: uuid.UUID, prices: dict[str, Money]) -> CoursePricesOut:
        return cls(course_id=course_id, is_paid=bool(prices), prices=[amount_out(prices[c]) for c in sorted(prices)])


class StudentVerificationIn(StrictIn):
    evidence: str = Field(description="What the admin saw, e.g. a student card number.", max_length=200)
    expires_at: datetime | None = Field(default=None, description="When the status lapses; null = never.")


class StudentStatusOut(Schema):
    user_id: uuid.UUID
    is_verified: bool
    method: str | None = Field(description='"email_domain", "manual" or null.')
    evidence: str
    expires_at: datetime | None

    @classmethod
    def of(cls, view: StudentStatusView) -> StudentStatusOut:
        return cls(
            user_id=view.user_id,
            is_verified=view.is_verified,
            method=view.method,
            evidence=view.evidence,
            expires_at=view.expires_at,
        )
