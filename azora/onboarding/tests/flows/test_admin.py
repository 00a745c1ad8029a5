"""The onboarding admin: flows are edited there (steps checked, version raised on a change of steps, never deleted);
sessions with their step records, terms acceptances, placement attempts and learning paths are read-only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from azora.accounts.models import User
from azora.onboarding.models import Flow, TermsAcceptance
from azora.onboarding.tests.flows.conftest import walk
from azora.onboarding.tests.flows.factories import LearningPathFactory, PlacementAttemptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = User.objects.create_superuser(email="root@example.test", password="an-operator-password-1")
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, steps: object, title: str = "Learner onboarding") -> Any:
    return client.post(
        reverse("admin:onboarding_flow_change", args=["learner"]),
        {"title": title, "steps": json.dumps(steps), "is_active": "on"},
    )


def test_every_onboarding_admin_page_renders(operator: Client, learner: User) -> None:
    session = walk(learner, "instructor", until="payout")
    acceptance = TermsAcceptance.objects.get(user=learner)
    attempt = PlacementAttemptFactory(user=learner)
    path = LearningPathFactory(user=learner, attempt=attempt)
    for url in (
        reverse("admin:onboarding_flow_changelist"),
        reverse("admin:onboarding_flow_change", args=["learner"]),
        reverse("admin:onboarding_onboardingsession_changelist"),
        reverse("admin:onboarding_onboardingsession_change", args=[session.id]),
        reverse("admin:onboarding_termsacceptance_changelist"),
        reverse("admin:onboarding_termsacceptance_change", args=[acceptance.id]),
        reverse("admin:onboarding_placementattempt_changelist"),
        reverse("admin:onboarding_placementattempt_change", args=[attempt.id]),
        reverse("admin:onboarding_learningpath_changelist"),
        reverse("admin:onboarding_learningpath_change", args=[path.id]),
    ):
        assert operator.get(url).status_code == 200, url
    for model in ("onboardingsession", "termsacceptance", "placementattempt", "learningpath"):
        assert operator.get(reverse(f"admin:onboarding_{model}_add")).status_code == 403, model
    assert operator.get(reverse("admin:onboarding_flow_delete", args=["learner"])).status_code == 403


def test_a_change_of_steps_raises_the_version_and_a_title_alone_does_not(operator: Client) -> None:
    steps = Flow.objects.get(slug="learner").steps
    response = change(operator, steps, title="Start learning")
    assert response.status_code == 302
    flow = Flow.objects.get(slug="learner")
    assert (flow.title, flow.version) == ("Start learning", 1)

    response = change(operator, [step for step in steps if step["slug"] != "language"], title="Start learning")
    assert response.status_code == 302
    flow = Flow.objects.get(slug="learner")
    assert flow.version == 2
    assert "language" not in [step["slug"] for step in flow.steps]


def test_broken_steps_are_refused(operator: Client) -> None:
    response = change(operator, [{"slug": "x", "title": "X", "kind": "dance"}])
    assert response.status_code == 200
    assert "kind must be one of" in response.content.decode()
    assert Flow.objects.get(slug="learner").version == 1
