"""The write side of onboarding steps: submit or skip the current step of a session, and apply its effect through
the owning app's public functions, all in one transaction (a refused step changes nothing)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import azora.accounts.public as accounts
import azora.agents.public as agents
import azora.education.public as education
from azora.agents.errors import MemoryFull
from azora.onboarding import flows
from azora.onboarding.config import flows_config
from azora.onboarding.errors import (
    SessionClosed,
    SessionNotFound,
    StepDataInvalid,
    StepNotSkippable,
    StepOutOfOrder,
    StepUnknown,
)
from azora.onboarding.events import OnboardingCompleted, OnboardingStepCompleted
from azora.onboarding.models import (
    OnboardingSession,
    SessionStatus,
    StepRecord,
    StepStatus,
    TermsAcceptance,
    UserType,
)
from azora.onboarding.public.flows import SessionView
from azora.onboarding.selectors import sessions as selectors
from azora.shared.events import publish

logger = structlog.get_logger(__name__)

MEMORY_SOURCE = "onboarding"
INSTRUCTOR_ROLE = "instructor"


def terms_document(flow: str) -> str:
    """The terms a flow's terms step accepts: "instructor_terms", "organisation_terms"."""
    return f"{flow}_terms"


@dataclass(frozen=True, slots=True)
class StepInput:
    """What an effect works with: the session, the step's cleaned data and the steps recorded before it."""

    session: OnboardingSession
    data: dict[str, Any]
    earlier: Sequence[StepRecord]

    @property
    def user_id(self) -> uuid.UUID:
        return self.session.user_id

    def earlier_data(self, kind: str) -> Mapping[str, Any] | None:
        kinds = {spec.slug: spec.kind for spec in selectors.session_steps(self.session)}
        for record in self.earlier:
            if kinds.get(record.step) == kind and record.status == StepStatus.COMPLETED:
                data: Mapping[str, Any] = record.data
                return data
        return None


@dataclass(frozen=True, slots=True)
class StepOutcome:
    recorded: dict[str, Any]  # the cleaned data plus what the effect created (ids), stored on the StepRecord
    next_url: str = ""


def step_submit(
    *, session_id: uuid.UUID, user_id: uuid.UUID, step: str, data: Mapping[str, Any] | None = None, skip: bool = False
) -> SessionView:
    """Complete (or skip) the session's current step. Refusals change nothing: SessionNotFound (not the user's),
    SessionClosed, StepUnknown, StepOutOfOrder (not the current step, or done already), StepNotSkippable,
    StepDataInvalid (with the fields), or the owning app's own error from the step's effect (rolled back)."""
    with transaction.atomic():
        session = OnboardingSession.objects.select_for_update().filter(id=session_id, user_id=user_id).first()
        if session is None:
            raise SessionNotFound()
        if session.status != SessionStatus.ACTIVE:
            raise SessionClosed(extra={"status": session.status})
        steps = selectors.session_steps(session)
        spec = next((candidate for candidate in steps if candidate.slug == step), None)
        if spec is None:
            raise StepUnknown(extra={"step": step, "steps": [candidate.slug for candidate in steps]})
        records = list(StepRecord.objects.filter(session_id=session.id).order_by("id"))
        done = {record.step for record in records}
        current = flows.current_step(steps, done)
        if step != current:
            raise StepOutOfOrder(extra={"step": step, "current_step": current})
        if skip:
            if not spec.skippable:
                raise StepNotSkippable(extra={"step": step})
            outcome = StepOutcome(recorded={})
        else:
            outcome = _complete(spec, StepInput(session=session, data=_clean(spec, session, data), earlier=records))
        status = StepStatus.SKIPPED if skip else StepStatus.COMPLETED
        record = StepRecord.objects.create(session=session, step=step, status=status, data=outcome.recorded)
        records.append(record)
        done.add(step)
        now = timezone.now()
        session.current_step = flows.current_step(steps, done)
        session.last_activity_at = now
        fields = ["current_step", "last_activity_at", "updated_at"]
        if not session.current_step:
            session.status = SessionStatus.COMPLETED
            session.completed_at = now
            fields += ["status", "completed_at"]
        session.save(update_fields=fields)
        publish(
            OnboardingStepCompleted(
                session_id=session.id,
                user_id=user_id,
                flow=session.flow_id,
                flow_version=session.flow_version,
                step=step,
                kind=spec.kind,
                status=status,
                steps_done=len(done),
                steps_total=len(steps),
                occurred_at=now,
            )
        )
        if session.status == SessionStatus.COMPLETED:
            publish(
                OnboardingCompleted(
                    session_id=session.id,
                    user_id=user_id,
                    flow=session.flow_id,
                    flow_version=session.flow_version,
                    completed_steps=tuple(r.step for r in records if r.status == StepStatus.COMPLETED),
                    skipped_steps=tuple(r.step for r in records if r.status == StepStatus.SKIPPED),
                    started_at=session.created_at,
                    completed_at=now,
                )
            )
    logger.info("onboarding_step_done", session_id=str(session.id), step=step, status=status, done=len(done))
    return selectors.session_view(session, records, next_url=outcome.next_url)


def _clean(spec: flows.StepSpec, session: OnboardingSession, data: Mapping[str, Any] | None) -> dict[str, Any]:
    config = flows_config()
    context = flows.StepContext(
        languages=config.languages,
        terms_version=config.terms_version,
        completed_placement_ids=(
            selectors.completed_placement_ids(user_id=session.user_id) if spec.kind == flows.PLACEMENT else ()
        ),
    )
    try:
        return flows.clean_step_data(spec.kind, data, context)
    except flows.StepDataError as error:
        raise StepDataInvalid(extra={"step": spec.slug, "errors": error.errors}) from error


def _complete(spec: flows.StepSpec, step: StepInput) -> StepOutcome:
    effect = _EFFECTS.get(spec.kind, _record_only)
    return effect(step)


# --- Effects, one per kind ----------------------------------------------------------------------------------------


def _record_only(step: StepInput) -> StepOutcome:
    """welcome, credentials, placement, payout (masked), verification (for review), sso: recorded, nothing else."""
    return StepOutcome(recorded=step.data)


def _profile(step: StepInput) -> StepOutcome:
    fields = {"display_name": step.data["display_name"]}
    if step.data["country"]:  # left blank: the country already on the profile (if any) stays
        fields["country"] = step.data["country"]
    accounts.user_update_profile(user_id=step.user_id, **fields)
    return StepOutcome(recorded=step.data)


def _remember(step: StepInput, kind: str, texts: Sequence[str]) -> dict[str, Any]:
    """Keeps each text in the learner's memory (source "onboarding"). A memory full of items the learner told
    Elara themselves (MemoryFull) does not stop onboarding: what did not fit is recorded as not remembered."""
    remembered: list[str] = []
    forgotten: list[str] = []
    for text in texts:
        try:
            item = agents.memory_add(user_id=step.user_id, kind=kind, text=text, source=MEMORY_SOURCE)
        except MemoryFull:
            forgotten.append(text)
        else:
            remembered.append(str(item.id))
    recorded: dict[str, Any] = {"memory_item_ids": remembered}
    if forgotten:
        recorded["not_remembered"] = forgotten
    return recorded


def _goals(step: StepInput) -> StepOutcome:
    interests = [_("Interested in %(topic)s") % {"topic": interest} for interest in step.data["interests"]]
    return StepOutcome(recorded={**step.data, **_remember(step, "goal", [*step.data["goals"], *interests])})


def _language(step: StepInput) -> StepOutcome:
    code = step.data["language"]
    accounts.user_update_profile(user_id=step.user_id, preferred_language=code)
    # The agents keep a preferred language as its code; it replaces the one remembered before.
    return StepOutcome(recorded={**step.data, **_remember(step, "language", [code])})


def _plan(step: StepInput) -> StepOutcome:
    plan = step.data["plan"]
    # FREE is where every account starts: nothing to do. PRO continues to the Pay UI's plan checkout.
    next_url = reverse("pay:buy_plan", kwargs={"plan_code": plan}) if plan == "pro" else ""
    return StepOutcome(recorded=step.data, next_url=next_url)


def _first_lesson(step: StepInput) -> StepOutcome:
    course_id = uuid.UUID(step.data["course_id"])
    enrollment = education.enrollment_create(course_id=course_id, user_id=step.user_id)
    lesson_id = selectors.learning_path_lesson(user_id=step.user_id, course_id=course_id)
    if lesson_id is None:
        lesson_id = enrollment.resume_lesson_id
    next_url = (
        reverse("student:lesson", kwargs={"lesson_id": lesson_id})
        if lesson_id is not None
        else reverse("student:course", kwargs={"slug": enrollment.course.slug})
    )
    recorded = {
        **step.data,
        "enrollment_id": str(enrollment.id),
        "lesson_id": str(lesson_id) if lesson_id is not None else "",
    }
    return StepOutcome(recorded=recorded, next_url=next_url)


def _terms(step: StepInput) -> StepOutcome:
    version = step.data["version"]
    acceptance, _created = TermsAcceptance.objects.get_or_create(
        user_id=step.user_id, document=terms_document(step.session.flow_id), version=version
    )
    if step.session.flow_id == UserType.INSTRUCTOR:
        # Accepting the instructor terms makes the account an instructor (it may then draft courses).
        accounts.platform_role_grant(user_id=step.user_id, role=INSTRUCTOR_ROLE)
    return StepOutcome(
        recorded={**step.data, "document": acceptance.document, "accepted_at": acceptance.created_at.isoformat()}
    )


def _first_course(step: StepInput) -> StepOutcome:
    course = education.course_create(user_id=step.user_id, title=step.data["title"], summary=step.data["summary"])
    return StepOutcome(
        recorded={**step.data, "course_id": str(course.id)},
        next_url=reverse("student:teach_course", kwargs={"course_id": course.id}),
    )


def _organisation(step: StepInput) -> StepOutcome:
    organisation = accounts.organisation_create(
        user_id=step.user_id, name=step.data["name"], slug=step.data["slug"] or None
    )
    return StepOutcome(recorded={**step.data, "slug": organisation.slug, "organisation_id": str(organisation.id)})


def _invite_members(step: StepInput) -> StepOutcome:
    organisation = step.earlier_data(flows.ORGANISATION)
    if organisation is None or not organisation.get("organisation_id"):
        raise StepDataInvalid(
            extra={"errors": [{"field": "emails", "message": _("Create the organisation before inviting anyone.")}]}
        )
    organisation_id = uuid.UUID(str(organisation["organisation_id"]))
    invitations = [
        accounts.invitation_create(
            actor_user_id=step.user_id, organisation_id=organisation_id, email=email, role=step.data["role"]
        )
        for email in step.data["emails"]
    ]
    recorded = {
        **step.data,
        "organisation_id": str(organisation_id),
        "invitations": [{"email": invitation.email, "invitation_id": str(invitation.id)} for invitation in invitations],
    }
    return StepOutcome(recorded=recorded)


_EFFECTS: dict[str, Callable[[StepInput], StepOutcome]] = {
    flows.PROFILE: _profile,
    flows.GOALS: _goals,
    flows.LANGUAGE: _language,
    flows.PLAN: _plan,
    flows.FIRST_LESSON: _first_lesson,
    flows.TERMS: _terms,
    flows.FIRST_COURSE: _first_course,
    flows.ORGANISATION: _organisation,
    flows.INVITE_MEMBERS: _invite_members,
}
