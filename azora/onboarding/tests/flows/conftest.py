"""Fixtures for onboarding flows: people of each type, a session walked up to a given step, and a snapshot of
everything a step may change (to prove a refused step changed nothing)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from azora.accounts.models import Invitation, Membership, Organisation, PlatformRoleGrant, User
from azora.accounts.tests.factories import UserFactory
from azora.agents.models import MemoryItem
from azora.education.models import Course, Enrollment
from azora.onboarding.models import OnboardingSession, StepRecord, TermsAcceptance
from azora.onboarding.public.flows import SessionView
from azora.onboarding.services import sessions, steps
from azora.shared.models import OutboxEvent

# The data that completes each kind of step (first_lesson and placement need ids: the tests pass them).
STEP_DATA: dict[str, dict[str, Any]] = {
    "welcome": {},
    "profile": {"display_name": "Amara Okafor", "country": "ng"},
    "goals": {"goals": ["Become a nurse"], "interests": ["Biology"]},
    "language": {"language": "fr"},
    "plan": {"plan": "free"},
    "credentials": {"text": "Ten years teaching accounting.", "links": ["https://example.org/cv"]},
    "terms": {"accepted": True},
    "payout": {"method": "bank_account", "account_number": "62812345678", "bank_code": "250655"},
    "first_course": {"title": "Bookkeeping for market traders", "summary": "Keep a cash book."},
    "organisation": {"name": "Ubuntu Learning Co"},
    "verification": {"domain": "ubuntu-learning.example"},
    "invite_members": {"emails": ["thabo@example.test"]},
    "sso": {},
}


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory(email="amara@example.test", display_name="Amara", country="", preferred_language="en")
    return user


@pytest.fixture
def stranger(db: None) -> User:
    user: User = UserFactory(email="stranger@example.test")
    return user


def start(user: User, flow: str = "learner") -> SessionView:
    view, _created = sessions.session_start(user_id=user.id, flow=flow)
    return view


def walk(user: User, flow: str, until: str, **data: dict[str, Any]) -> SessionView:
    """A session of `flow` with every step before `until` completed (or skipped when no data is known for it);
    `until=""` walks to the end."""
    view = start(user, flow)
    for step in view.steps:
        if step.slug == until:
            return view
        if step.slug in data or step.slug in STEP_DATA:
            payload = data.get(step.slug, STEP_DATA.get(step.slug))
            view = steps.step_submit(session_id=view.id, user_id=user.id, step=step.slug, data=payload)
        else:
            view = steps.step_submit(session_id=view.id, user_id=user.id, step=step.slug, skip=True)
    return view


def finish(user: User, flow: str, **data: dict[str, Any]) -> SessionView:
    """A completed session of `flow`."""
    return walk(user, flow, until="", **data)


@pytest.fixture
def snapshot() -> Callable[[User], dict[str, Any]]:
    """Everything a step could change, for one user: compare before and after a refused step."""

    def take(user: User) -> dict[str, Any]:
        user.refresh_from_db()
        return {
            "profile": (user.display_name, user.country, user.preferred_language),
            "roles": sorted(PlatformRoleGrant.objects.filter(user=user).values_list("role", flat=True)),
            "sessions": sorted(
                OnboardingSession.objects.filter(user=user).values_list(
                    "id", "status", "current_step", "last_activity_at", "completed_at"
                )
            ),
            "records": sorted(StepRecord.objects.filter(session__user=user).values_list("id", flat=True)),
            "terms": TermsAcceptance.objects.filter(user=user).count(),
            "memory": MemoryItem.objects.filter(user=user).count(),
            "enrolments": Enrollment.objects.filter(user=user).count(),
            "courses": Course.objects.filter(created_by=user).count(),
            "organisations": Organisation.objects.filter(memberships__user=user).count(),
            "memberships": Membership.objects.filter(user=user).count(),
            "invitations": Invitation.objects.count(),
            "events": OutboxEvent.objects.count(),
        }

    return take


def events_of(event_type: str) -> list[dict[str, Any]]:
    return [dict(row.payload) for row in OutboxEvent.objects.filter(event_type=event_type).order_by("id")]


def verified_email(user: User, email: str) -> None:
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)


def new_id() -> uuid.UUID:
    return uuid.uuid4()
