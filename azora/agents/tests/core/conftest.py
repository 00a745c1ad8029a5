"""Fixtures of the orchestrator's tests: the roster and plans, a published course with lessons and an enrolled,
consenting learner, a clean AI router, and a fake external provider (a local server speaking the OpenAI API)."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.cache import cache

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.agents import public as agents
from azora.agents.models import Agent, Message
from azora.ai_routing import resilience
from azora.ai_routing.adapters import local
from azora.ai_routing.models import Provider, Usage
from azora.ai_routing.services import chat as chat_service
from azora.ai_routing.tests.servers import OpenAIServer
from azora.education.models import Course, Lesson
from azora.education.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, ModuleFactory
from azora.revenue.models import Plan
from azora.revenue.tests.pricing.factories import plan_catalogue
from azora.shared.models import OutboxEvent

_roster_migration = importlib.import_module("azora.agents.migrations.0002_agent_roster")
_local_provider_migration = importlib.import_module("azora.ai_routing.migrations.0002_local_provider")

FAKE_KEY_VAR = "AZORA_TEST_AGENTS_OPENAI_KEY"
PHOTOSYNTHESIS = (
    "Photosynthesis is how green plants turn sunlight into chemical energy.\n\n"
    "Chlorophyll in the leaves captures the light; water and carbon dioxide become glucose and oxygen."
)
FRACTIONS = "A fraction names equal parts of a whole: the denominator counts the parts, the numerator the ones taken."


@pytest.fixture(autouse=True)
def _clean_router(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh breakers, rate counters and response cache; the offline index rebuilt; no waiting between retries."""
    cache.clear()
    resilience.latency_reset()
    local.INDEX.invalidate()
    monkeypatch.setattr(chat_service, "sleep", lambda seconds: None)
    yield
    cache.clear()
    local.INDEX.invalidate()


@pytest.fixture
def roster(db: None) -> dict[str, Agent]:
    """Elara, Kofi, Naledi, Themba and Sankofa as the data migration seeds them."""
    _roster_migration.seed_agent_roster(apps)
    return {agent.slug: agent for agent in Agent.objects.all()}


@pytest.fixture
def catalogue(db: None) -> dict[str, Plan]:
    return plan_catalogue()


@dataclass
class Classroom:
    course: Course
    lessons: list[Lesson]
    learner: User
    instructor: User


@pytest.fixture
def room(roster: dict[str, Agent], catalogue: dict[str, Plan]) -> Classroom:
    """A published course with two lessons, a learner enrolled in it who has accepted the oversight notice, and the
    offline provider its migration seeds (a transactional test starts from empty tables: without it, a question
    after another transactional test would find no provider and come back unavailable)."""
    _local_provider_migration.create_local_provider(apps, None)
    instructor = UserFactory()
    course = CourseFactory(published=True, title="Plant biology", created_by=instructor, instructors=[instructor])
    module = ModuleFactory(course=course, position=0)
    lessons: list[Lesson] = [
        LessonFactory(module=module, position=0, title="Photosynthesis", body_markdown=PHOTOSYNTHESIS),
        LessonFactory(module=module, position=1, title="Fractions of a leaf", body_markdown=FRACTIONS),
    ]
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    agents.oversight_consent_give(user_id=learner.id)
    local.INDEX.invalidate()
    return Classroom(course=course, lessons=lessons, learner=learner, instructor=instructor)


def thread(room: Classroom, *, mode: str = "socratic") -> uuid.UUID:
    return agents.conversation_start(user_id=room.learner.id, course_id=room.course.id, mode=mode).id


def nothing_written() -> tuple[int, int, int]:
    """Messages, usage records and outbox events: unchanged by a request that failed validation."""
    return Message.objects.count(), Usage.objects.count(), OutboxEvent.objects.count()


@pytest.fixture(scope="session")
def openai_server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server  # type: ignore[misc]  # __enter__ returns the base type


@pytest.fixture
def external(openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch, db: None) -> Iterator[OpenAIServer]:
    """A fake external provider (priority 10, before the offline one) answering from the server's script."""
    openai_server.script.reset()
    monkeypatch.setenv(FAKE_KEY_VAR, "sk-test-agents-0123456789")
    Provider.objects.create(
        name="openai",
        kind="openai_compatible",
        base_url=openai_server.base_url,
        model="gpt-test",
        secret_env_var=FAKE_KEY_VAR,
        input_price_micros_per_million=1_000_000,
        output_price_micros_per_million=2_000_000,
        context_window=16_000,
        timeout_ms=5_000,
        priority=10,
    )
    yield openai_server
    openai_server.script.reset()


def offline_provider_off() -> None:
    Provider.objects.filter(name="local").update(is_active=False)
