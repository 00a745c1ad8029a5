"""The write side of onboarding sessions: start or resume one, and abandon the ones left idle too long."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from azora.onboarding import flows
from azora.onboarding.config import flows_config
from azora.onboarding.errors import FlowNotFound
from azora.onboarding.events import OnboardingAbandoned
from azora.onboarding.models import OnboardingSession, SessionStatus, StepRecord, UserType
from azora.onboarding.public.flows import SessionView
from azora.onboarding.selectors import sessions as selectors
from azora.shared.events import publish

logger = structlog.get_logger(__name__)


def session_start(*, user_id: uuid.UUID, flow: str | None = None) -> tuple[SessionView, bool]:
    """The user's session of `flow`: the active one if there is one, else the completed one (onboarding is done
    once), else a new one that freezes the flow's current steps and version. With no flow: the user's current
    active session, else the suggested type's flow.

    Returns the session and whether it was created now. Sessions of other flows are left as they are.
    """
    if flow is None:
        current = selectors.session_current(user_id=user_id)
        if current is not None:
            return current, False
        suggestion = selectors.type_suggest(user_id=user_id)
        slug = suggestion.user_type
    else:
        slug = flow.strip().lower()
        if slug not in UserType.values:
            raise FlowNotFound(extra={"flow": slug})
    existing = _existing_session(user_id=user_id, flow=slug)
    if existing is not None:
        return existing, False
    if flow is not None:
        suggestion = selectors.type_suggest(user_id=user_id)  # stored on the new session, whatever was chosen
    definition = selectors.flow_get(slug=slug)
    steps = flows.parse_steps(definition.steps)
    now = timezone.now()
    try:
        with transaction.atomic():
            session = OnboardingSession.objects.create(
                user_id=user_id,
                flow=definition,
                flow_version=definition.version,
                steps=[step.as_data() for step in steps],
                suggested_type=suggestion.user_type,
                suggestion_reason=suggestion.reason[:200],
                current_step=steps[0].slug,
                last_activity_at=now,
            )
    except IntegrityError:
        # A concurrent request started the same flow first (one active session per user and flow): resume it.
        existing = _existing_session(user_id=user_id, flow=slug)
        if existing is None:
            raise
        return existing, False
    logger.info("onboarding_session_started", session_id=str(session.id), flow=slug, flow_version=session.flow_version)
    return selectors.session_view(session, ()), True


def _existing_session(*, user_id: uuid.UUID, flow: str) -> SessionView | None:
    for status in (SessionStatus.ACTIVE, SessionStatus.COMPLETED):
        session = OnboardingSession.objects.filter(user_id=user_id, flow_id=flow, status=status).order_by("-id").first()
        if session is not None:
            records = StepRecord.objects.filter(session_id=session.id).order_by("id")
            return selectors.session_view(session, records)
    return None


def sessions_abandon_idle(*, now: dt.datetime | None = None) -> int:
    """Marks every active session idle longer than AZORA_ONBOARDING_ABANDON_AFTER_DAYS abandoned, each with an
    OnboardingAbandoned event in its own transaction. Safe to run twice; returns how many were abandoned."""
    now = now or timezone.now()
    idle_since = now - dt.timedelta(days=flows_config().abandon_after_days)
    abandoned = 0
    for session_id in selectors.idle_session_ids(idle_since=idle_since):
        with transaction.atomic():
            session = (
                OnboardingSession.objects.select_for_update()
                .filter(id=session_id, status=SessionStatus.ACTIVE, last_activity_at__lt=idle_since)
                .first()
            )
            if session is None:  # resumed (or abandoned by another run) since the list was read
                continue
            done = set(StepRecord.objects.filter(session_id=session.id).values_list("step", flat=True))
            steps = selectors.session_steps(session)
            session.status = SessionStatus.ABANDONED
            session.abandoned_at = now
            session.save(update_fields=["status", "abandoned_at", "updated_at"])
            publish(
                OnboardingAbandoned(
                    session_id=session.id,
                    user_id=session.user_id,
                    flow=session.flow_id,
                    flow_version=session.flow_version,
                    current_step=flows.current_step(steps, done),
                    steps_done=sum(1 for step in steps if step.slug in done),
                    steps_total=len(steps),
                    last_activity_at=session.last_activity_at,
                    abandoned_at=now,
                )
            )
            abandoned += 1
    if abandoned:
        logger.info("onboarding_sessions_abandoned", count=abandoned)
    return abandoned
