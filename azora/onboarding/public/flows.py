"""Onboarding flows and sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "FlowView",
    "SessionView",
    "StepView",
    "TermsAcceptanceView",
    "TypeSuggestion",
    "flows_list",
    "session_current",
    "session_get",
    "session_latest",
    "session_start",
    "step_submit",
    "terms_acceptances_of",
    "terms_version",
    "type_suggest",
]


@dataclass(frozen=True, slots=True)
class StepView:
    slug: str
    title: str
    kind: str  # welcome | profile | goals | language | placement | plan | first_lesson | credentials | terms | ...
    skippable: bool
    guide: str  # the scripted guidance (translated)
    status: str = ""  # "" (not yet) | completed | skipped  (in a session)
    data: dict[str, Any] | None = None  # what the user entered (in a session)


@dataclass(frozen=True, slots=True)
class FlowView:
    slug: str  # learner | instructor | organisation
    title: str
    version: int
    steps: tuple[StepView, ...]


@dataclass(frozen=True, slots=True)
class SessionView:
    id: uuid.UUID
    user_id: uuid.UUID
    flow: str
    flow_version: int
    status: str  # active | completed | abandoned
    steps: tuple[StepView, ...]
    current_step: str  # "" when complete
    progress: float  # completed (or skipped) steps / total, 0..1
    suggested_type: str
    suggestion_reason: str
    created_at: datetime
    completed_at: datetime | None
    # Where to go next after the step just submitted (step_submit only): the Pay UI's plan checkout for PRO, the
    # first lesson after first_lesson, the course outline after first_course; "" otherwise.
    next_url: str = ""


@dataclass(frozen=True, slots=True)
class TypeSuggestion:
    user_type: str  # learner | instructor | organisation
    is_student: bool
    reason: str


@dataclass(frozen=True, slots=True)
class TermsAcceptanceView:
    document: str  # instructor_terms | organisation_terms
    version: str
    accepted_at: datetime


def flows_list() -> list[FlowView]:
    """The active flows (learner, instructor, organisation) with their steps, titles and guides translated."""
    from azora.onboarding.selectors import sessions

    return sessions.flows_list()


def type_suggest(*, user_id: uuid.UUID) -> TypeSuggestion:
    """Suggest a user type from the sign-up data (an ac.za or .edu email suggests a student learner)."""
    from azora.onboarding.selectors import sessions

    return sessions.type_suggest(user_id=user_id)


def session_start(*, user_id: uuid.UUID, flow: str | None = None) -> SessionView:
    """Start (or resume: returns the active one) a session of `flow`; with no flow, the user's active session or
    else the suggested type's. A flow the user completed returns that completed session. FlowNotFound."""
    from azora.onboarding.services import sessions

    view, _created = sessions.session_start(user_id=user_id, flow=flow)
    return view


def session_get(*, session_id: uuid.UUID, user_id: uuid.UUID) -> SessionView:
    """The user's own session; SessionNotFound for another user's."""
    from azora.onboarding.selectors import sessions

    return sessions.session_get(session_id=session_id, user_id=user_id)


def session_current(*, user_id: uuid.UUID) -> SessionView | None:
    """The user's active session (the most recently active one), or None."""
    from azora.onboarding.selectors import sessions

    return sessions.session_current(user_id=user_id)


def session_latest(*, user_id: uuid.UUID) -> SessionView | None:
    """The user's active session, else their newest completed one ("you finished setting up"), else None."""
    from azora.onboarding.selectors import sessions

    return sessions.session_latest(user_id=user_id)


def step_submit(
    *, session_id: uuid.UUID, user_id: uuid.UUID, step: str, data: dict[str, Any] | None = None, skip: bool = False
) -> SessionView:
    """Complete (or skip) one step; validates its data; StepOutOfOrder, StepNotSkippable, StepDataInvalid,
    SessionClosed change nothing. Completing the last step completes the session (an event)."""
    from azora.onboarding.services import steps

    return steps.step_submit(session_id=session_id, user_id=user_id, step=step, data=data, skip=skip)


def terms_version() -> str:
    """The version of the terms a terms step accepts now (AZORA_ONBOARDING_TERMS_VERSION)."""
    from azora.onboarding.config import flows_config

    return flows_config().terms_version


def terms_acceptances_of(*, user_id: uuid.UUID) -> list[TermsAcceptanceView]:
    """Which terms the user accepted, in which version and when; newest first."""
    from azora.onboarding.selectors import sessions

    return sessions.terms_acceptances_of(user_id=user_id)
