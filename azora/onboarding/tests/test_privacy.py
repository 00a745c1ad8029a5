"""Elara Onboarding's data protection: the answers a person gave are exported and cleared by a deletion; the
terms they accepted are kept."""

from __future__ import annotations

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.onboarding.models import Flow, OnboardingSession, StepRecord, TermsAcceptance
from azora.onboarding.privacy import anonymise_onboarding_data, export_onboarding_data

pytestmark = pytest.mark.django_db


def _answered(user: User) -> StepRecord:
    flow, _ = Flow.objects.get_or_create(slug="learner", defaults={"title": "Learner", "steps": []})
    session = OnboardingSession.objects.create(user=user, flow=flow, flow_version=1, last_activity_at=timezone.now())
    return StepRecord.objects.create(session=session, step="goals", status="done", data={"goal": "Become a nurse"})


def test_the_answers_are_exported_then_cleared_and_accepted_terms_kept() -> None:
    person = UserFactory()
    record = _answered(person)
    TermsAcceptance.objects.create(user=person, document="terms", version="2026-01")

    data = export_onboarding_data(person.id)
    anonymise_onboarding_data(person.id)

    assert [row["data"] for row in data["answers"]] == [{"goal": "Become a nurse"}]
    assert [row["version"] for row in data["terms_accepted"]] == ["2026-01"]
    record.refresh_from_db()
    assert record.data == {}
    assert TermsAcceptance.objects.filter(user=person).count() == 1
