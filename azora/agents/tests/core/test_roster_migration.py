"""The data migration 0002_agent_roster: five agents, one default; running it again adds what is missing and never
overwrites an edited row."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from azora.agents.models import Agent

pytestmark = pytest.mark.django_db
migration = importlib.import_module("azora.agents.migrations.0002_agent_roster")


def test_the_roster_is_seeded_once_and_edits_survive_a_second_run() -> None:
    migration.seed_agent_roster(apps)
    assert list(Agent.objects.values_list("slug", "is_default").order_by("position")) == [
        ("elara", True),
        ("kofi", False),
        ("naledi", False),
        ("themba", False),
        ("sankofa", False),
    ]
    Agent.objects.filter(slug="kofi").update(role="Edited", is_active=False)
    Agent.objects.filter(slug="sankofa").delete()
    migration.seed_agent_roster(apps)
    kofi = Agent.objects.get(slug="kofi")
    assert (kofi.role, kofi.is_active) == ("Edited", False)
    assert Agent.objects.filter(slug="sankofa").exists()
    assert Agent.objects.count() == 5
