"""The flow catalogue (data migration 0002): the three flows of the issue, in order, with their skippable steps;
every title and guide is in the translation list; running the seed again changes nothing."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from azora.onboarding import flows
from azora.onboarding.flow_texts import KNOWN_TEXTS
from azora.onboarding.models import Flow
from azora.onboarding.tests.flows.factories import OnboardingSessionFactory

pytestmark = pytest.mark.django_db

catalogue = importlib.import_module("azora.onboarding.migrations.0002_flow_catalogue")


def test_the_three_flows_hold_the_issues_steps_in_order() -> None:
    found = {
        flow.slug: [(step.slug, step.kind, step.skippable) for step in flows.parse_steps(flow.steps)]
        for flow in Flow.objects.all()
    }
    assert found == {
        "learner": [
            ("welcome", "welcome", False),
            ("profile", "profile", False),
            ("goals", "goals", True),
            ("language", "language", True),
            ("placement", "placement", True),
            ("plan", "plan", False),
            ("first_lesson", "first_lesson", True),
        ],
        "instructor": [
            ("welcome", "welcome", False),
            ("profile", "profile", False),
            ("credentials", "credentials", False),
            ("terms", "terms", False),
            ("payout", "payout", True),
            ("first_course", "first_course", True),
        ],
        "organisation": [
            ("welcome", "welcome", False),
            ("organisation", "organisation", False),
            ("verification", "verification", True),
            ("terms", "terms", False),
            ("invite_members", "invite_members", True),
            ("sso", "sso", True),
        ],
    }
    assert set(Flow.objects.values_list("version", "is_active")) == {(1, True)}


def test_every_title_and_guide_is_marked_for_translation_and_nothing_else() -> None:
    texts = set()
    for flow in catalogue.FLOWS:
        texts.add(flow["title"])
        for step in flow["steps"]:
            assert step["guide"], step["slug"]
            texts |= {step["title"], step["guide"]}
    assert texts == set(KNOWN_TEXTS)


def test_seeding_again_keeps_an_edited_flow() -> None:
    Flow.objects.filter(slug="learner").update(title="Edited", version=3)
    Flow.objects.filter(slug="organisation").delete()
    catalogue.seed_flow_catalogue(apps)
    assert Flow.objects.get(slug="learner").title == "Edited"
    assert Flow.objects.get(slug="organisation").title == "Organisation onboarding"
    assert Flow.objects.count() == 3


def test_backing_out_keeps_the_flows_that_sessions_use() -> None:
    OnboardingSessionFactory(flow=Flow.objects.get(slug="instructor"))
    catalogue.remove_flow_catalogue(apps)
    assert list(Flow.objects.values_list("slug", flat=True)) == ["instructor"]
