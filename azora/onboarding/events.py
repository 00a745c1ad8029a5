"""The events onboarding publishes: a step done or skipped, a session completed, a session abandoned."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent

# --- Flows and sessions -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OnboardingStepCompleted(DomainEvent):
    """A step of a session was completed or skipped (`status`); the session's progress after it is
    steps_done / steps_total."""

    event_type: ClassVar[str] = "onboarding.step_completed"

    session_id: uuid.UUID
    user_id: uuid.UUID
    flow: str
    flow_version: int
    step: str
    kind: str
    status: str  # "completed" | "skipped"
    steps_done: int
    steps_total: int
    occurred_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class OnboardingCompleted(DomainEvent):
    """The last step of a session was completed or skipped: the user finished onboarding."""

    event_type: ClassVar[str] = "onboarding.completed"

    session_id: uuid.UUID
    user_id: uuid.UUID
    flow: str
    flow_version: int
    completed_steps: tuple[str, ...]
    skipped_steps: tuple[str, ...]
    started_at: dt.datetime
    completed_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class OnboardingAbandoned(DomainEvent):
    """A session stayed idle longer than AZORA_ONBOARDING_ABANDON_AFTER_DAYS; `current_step` is where it stopped."""

    event_type: ClassVar[str] = "onboarding.abandoned"

    session_id: uuid.UUID
    user_id: uuid.UUID
    flow: str
    flow_version: int
    current_step: str
    steps_done: int
    steps_total: int
    last_activity_at: dt.datetime
    abandoned_at: dt.datetime
