"""The read side of onboarding flows: the flows offered, a user's sessions with their steps, type suggestions."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import azora.accounts.public as accounts
from azora.onboarding import flows
from azora.onboarding.config import flows_config
from azora.onboarding.errors import FlowNotFound, SessionNotFound
from azora.onboarding.models import (
    Flow,
    LearningPath,
    OnboardingSession,
    PlacementAttempt,
    SessionStatus,
    StepRecord,
    TermsAcceptance,
)
from azora.onboarding.models.placement import PlacementStatus
from azora.onboarding.public.flows import FlowView, SessionView, StepView, TermsAcceptanceView, TypeSuggestion

ORGANISATION_MANAGER_ROLES = frozenset({"owner", "admin"})


def _step_view(spec: flows.StepSpec, record: StepRecord | None = None) -> StepView:
    return StepView(
        slug=spec.slug,
        title=flows.translated(spec.title),
        kind=spec.kind,
        skippable=spec.skippable,
        guide=flows.translated(spec.guide),
        status=record.status if record is not None else "",
        data=dict(record.data) if record is not None else None,
    )


def flow_view(flow: Flow) -> FlowView:
    return FlowView(
        slug=flow.slug,
        title=flows.translated(flow.title),
        version=flow.version,
        steps=tuple(_step_view(spec) for spec in flows.parse_steps(flow.steps)),
    )


def flows_list() -> list[FlowView]:
    """The active flows in slug order (one query)."""
    return [flow_view(flow) for flow in Flow.objects.filter(is_active=True).order_by("slug")]


def flow_get(*, slug: str) -> Flow:
    flow = Flow.objects.filter(slug=slug, is_active=True).first()
    if flow is None:
        raise FlowNotFound(extra={"flow": slug})
    return flow


def session_steps(session: OnboardingSession) -> tuple[flows.StepSpec, ...]:
    """The steps the session froze when it started."""
    return flows.parse_steps(session.steps)


def session_view(session: OnboardingSession, records: Iterable[StepRecord], *, next_url: str = "") -> SessionView:
    by_step = {record.step: record for record in records}
    steps = session_steps(session)
    return SessionView(
        id=session.id,
        user_id=session.user_id,
        flow=session.flow_id,
        flow_version=session.flow_version,
        status=session.status,
        steps=tuple(_step_view(spec, by_step.get(spec.slug)) for spec in steps),
        current_step=flows.current_step(steps, by_step) if session.status == SessionStatus.ACTIVE else "",
        progress=flows.progress(steps, by_step),
        suggested_type=session.suggested_type,
        suggestion_reason=session.suggestion_reason,
        created_at=session.created_at,
        completed_at=session.completed_at,
        next_url=next_url,
    )


def _records_of(session: OnboardingSession) -> list[StepRecord]:
    return list(StepRecord.objects.filter(session_id=session.id).order_by("id"))


def session_get(*, session_id: uuid.UUID, user_id: uuid.UUID) -> SessionView:
    """The user's own session (two queries); another user's is SessionNotFound, like a missing one."""
    session = OnboardingSession.objects.filter(id=session_id, user_id=user_id).first()
    if session is None:
        raise SessionNotFound()
    return session_view(session, _records_of(session))


def session_current(*, user_id: uuid.UUID) -> SessionView | None:
    """The user's active session with the latest activity, or None."""
    session = (
        OnboardingSession.objects.filter(user_id=user_id, status=SessionStatus.ACTIVE)
        .order_by("-last_activity_at", "-id")
        .first()
    )
    return session_view(session, _records_of(session)) if session is not None else None


def session_latest(*, user_id: uuid.UUID) -> SessionView | None:
    """The user's active session (latest activity first), else the newest completed one, else None."""
    current = session_current(user_id=user_id)
    if current is not None:
        return current
    session = (
        OnboardingSession.objects.filter(user_id=user_id, status=SessionStatus.COMPLETED)
        .order_by("-completed_at", "-id")
        .first()
    )
    return session_view(session, _records_of(session)) if session is not None else None


def completed_placement_ids(*, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The user's completed placement attempts (the placement step accepts one of them)."""
    return frozenset(
        PlacementAttempt.objects.filter(user_id=user_id, status=PlacementStatus.COMPLETED).values_list("id", flat=True)
    )


def learning_path_lesson(*, user_id: uuid.UUID, course_id: uuid.UUID) -> uuid.UUID | None:
    """The first lesson the user's current learning path gives for the course, or None."""
    path = LearningPath.objects.filter(user_id=user_id).order_by("-id").only("items").first()
    for item in path.items if path is not None else ():
        if isinstance(item, dict) and str(item.get("course_id")) == str(course_id) and item.get("lesson_id"):
            try:
                return uuid.UUID(str(item["lesson_id"]))
            except ValueError:
                return None
    return None


def idle_session_ids(*, idle_since: dt.datetime) -> list[uuid.UUID]:
    """Active sessions whose last activity is before `idle_since`, oldest first."""
    return list(
        OnboardingSession.objects.filter(status=SessionStatus.ACTIVE, last_activity_at__lt=idle_since)
        .order_by("last_activity_at", "id")
        .values_list("id", flat=True)
    )


def type_suggest(*, user_id: uuid.UUID) -> TypeSuggestion:
    """From the sign-up email (and any verified address): a student domain suggests a student learner; otherwise
    the platform instructor role suggests an instructor, running an organisation an organisation; else a learner."""
    profile = accounts.user_profile(user_id=user_id)
    emails = (profile.email, *accounts.user_verified_emails(user_id=user_id))
    manages = any(
        organisation.role in ORGANISATION_MANAGER_ROLES
        for organisation in accounts.organisation_list_for_user(user_id=user_id)
    )
    suggestion = flows.suggest_type(
        emails=emails,
        student_domains=flows_config().student_domains,
        is_instructor="instructor" in profile.platform_roles,
        manages_organisation=manages,
    )
    return TypeSuggestion(user_type=suggestion.user_type, is_student=suggestion.is_student, reason=suggestion.reason)


def terms_acceptances_of(*, user_id: uuid.UUID) -> list[TermsAcceptanceView]:
    return [
        TermsAcceptanceView(document=row.document, version=row.version, accepted_at=row.created_at)
        for row in TermsAcceptance.objects.filter(user_id=user_id).order_by("-created_at", "-id")
    ]
