"""factory_boy factories for onboarding's flows area: sessions of the seeded flows, step records, placement rows."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.tests.factories import UserFactory
from azora.onboarding.models import (
    Flow,
    LearningPath,
    OnboardingSession,
    PlacementAttempt,
    StepRecord,
)
from azora.onboarding.models.placement import PlacementStatus


class OnboardingSessionFactory(DjangoModelFactory[OnboardingSession]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A session of a seeded flow (learner by default) that froze the flow's steps as they are now."""

    class Meta:
        model = OnboardingSession

    user = factory.SubFactory(UserFactory)
    flow = factory.LazyFunction(lambda: Flow.objects.get(slug="learner"))
    flow_version = factory.LazyAttribute(lambda session: session.flow.version)
    steps = factory.LazyAttribute(lambda session: list(session.flow.steps))
    current_step = factory.LazyAttribute(lambda session: session.steps[0]["slug"])
    last_activity_at = factory.LazyFunction(timezone.now)


class StepRecordFactory(DjangoModelFactory[StepRecord]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = StepRecord

    session = factory.SubFactory(OnboardingSessionFactory)
    step = "welcome"
    status = "completed"
    data: Any = factory.LazyFunction(dict)


class PlacementAttemptFactory(DjangoModelFactory[PlacementAttempt]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A completed diagnostic by default (`status="active"` for one in progress)."""

    class Meta:
        model = PlacementAttempt

    user = factory.SubFactory(UserFactory)
    status = PlacementStatus.COMPLETED
    seed = 42
    subjects: Any = factory.LazyFunction(lambda: ["business"])
    estimates: Any = factory.LazyFunction(lambda: {"business": "intermediate"})
    completed_at = factory.LazyFunction(timezone.now)


class LearningPathFactory(DjangoModelFactory[LearningPath]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = LearningPath

    user = factory.SubFactory(UserFactory)
    items: Any = factory.LazyFunction(list)
