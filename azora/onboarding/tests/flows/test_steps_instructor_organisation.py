"""The instructor and organisation flows: credentials, terms (version and time), payout details kept masked, the
first course draft, the organisation with its owner, verification for review, invitations, SSO later."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.accounts.models import Invitation, Membership, Organisation, PlatformRoleGrant, User
from azora.education.models import Course, CourseInstructor
from azora.onboarding.models import StepRecord, TermsAcceptance
from azora.onboarding.public import flows as public
from azora.onboarding.tests.flows.conftest import events_of, walk

pytestmark = pytest.mark.django_db


def submit(view: public.SessionView, user: User, step: str, **payload: object) -> public.SessionView:
    return public.step_submit(session_id=view.id, user_id=user.id, step=step, **payload)  # type: ignore[arg-type]


def data_of(view: public.SessionView, step: str) -> object:
    return next(candidate.data for candidate in view.steps if candidate.slug == step)


# --- instructor ---


def test_credentials_are_recorded(learner: User) -> None:
    view = submit(walk(learner, "instructor", until="credentials"), learner, "credentials", data={
        "text": "Chartered accountant; ten years of teaching.", "links": ["https://example.org/amara"]
    })  # fmt: skip
    assert data_of(view, "credentials") == {
        "text": "Chartered accountant; ten years of teaching.",
        "links": ["https://example.org/amara"],
    }


def test_instructor_terms_record_the_version_and_time_and_make_an_instructor(
    learner: User, settings: SettingsWrapper
) -> None:
    settings.AZORA_ONBOARDING_TERMS_VERSION = "2026-12"
    view = submit(walk(learner, "instructor", until="terms"), learner, "terms", data={"accepted": True})
    acceptance = TermsAcceptance.objects.get(user=learner)
    assert (acceptance.document, acceptance.version) == ("instructor_terms", "2026-12")
    assert data_of(view, "terms") == {
        "accepted": True,
        "version": "2026-12",
        "document": "instructor_terms",
        "accepted_at": acceptance.created_at.isoformat(),
    }
    assert PlatformRoleGrant.objects.filter(user=learner, role="instructor").exists()
    assert public.terms_version() == "2026-12"
    assert public.terms_acceptances_of(user_id=learner.id) == [
        public.TermsAcceptanceView(document="instructor_terms", version="2026-12", accepted_at=acceptance.created_at)
    ]


def test_payout_details_are_kept_masked(learner: User) -> None:
    view = submit(walk(learner, "instructor", until="payout"), learner, "payout", data={
        "method": "bank_account", "account_number": "62812345678", "bank_code": "250655", "account_holder": "Amara O",
    })  # fmt: skip
    assert data_of(view, "payout") == {
        "method": "bank_account",
        "bank_code": "250655",
        "account_holder": "Amara O",
        "destination_masked": "•••• 5678",
    }
    assert "62812345678" not in str(list(StepRecord.objects.values_list("data", flat=True)))


def test_the_first_course_is_a_draft_taught_by_the_new_instructor(learner: User) -> None:
    view = walk(learner, "instructor", until="first_course")
    view = submit(view, learner, "first_course", data={"title": "Bookkeeping for traders", "summary": "A cash book."})
    course = Course.objects.get(created_by=learner)
    assert (course.title, course.summary, course.status) == ("Bookkeeping for traders", "A cash book.", "draft")
    assert list(CourseInstructor.objects.filter(course=course).values_list("user_id", flat=True)) == [learner.id]
    assert view.next_url == f"/teach/{course.id}/"
    assert data_of(view, "first_course") == {
        "title": "Bookkeeping for traders",
        "summary": "A cash book.",
        "course_id": str(course.id),
    }
    assert view.status == "completed"
    assert events_of("onboarding.completed")[0]["flow"] == "instructor"


# --- organisation ---


def test_the_organisation_is_created_with_its_owner(learner: User) -> None:
    view = submit(walk(learner, "organisation", until="organisation"), learner, "organisation", data={
        "name": "Ubuntu Learning Co"
    })  # fmt: skip
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.slug) == ("Ubuntu Learning Co", "ubuntu-learning-co")
    assert list(Membership.objects.filter(organisation=organisation).values_list("user_id", "role")) == [
        (learner.id, "owner")
    ]
    assert data_of(view, "organisation") == {
        "name": "Ubuntu Learning Co",
        "slug": "ubuntu-learning-co",
        "organisation_id": str(organisation.id),
    }


def test_verification_is_recorded_for_review(learner: User) -> None:
    view = submit(walk(learner, "organisation", until="verification"), learner, "verification", data={
        "domain": "Ubuntu-Learning.example", "registration_number": "2020/123456/07"
    })  # fmt: skip
    assert data_of(view, "verification") == {
        "domain": "ubuntu-learning.example",
        "registration_number": "2020/123456/07",
        "review_status": "pending",
    }


def test_organisation_terms_are_their_own_document(learner: User) -> None:
    submit(
        walk(learner, "organisation", until="terms"), learner, "terms", data={"accepted": True, "version": "2026-11"}
    )
    assert list(TermsAcceptance.objects.filter(user=learner).values_list("document", "version")) == [
        ("organisation_terms", "2026-11")
    ]
    assert not PlatformRoleGrant.objects.filter(user=learner, role="instructor").exists()


def test_members_are_invited_into_the_new_organisation(
    learner: User, django_capture_on_commit_callbacks: object
) -> None:
    view = walk(learner, "organisation", until="invite_members")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        view = submit(view, learner, "invite_members", data={
            "emails": ["thabo@example.test", "Zanele@Example.test"], "role": "instructor"
        })  # fmt: skip
    organisation = Organisation.objects.get()
    invitations = list(Invitation.objects.order_by("email").values_list("organisation_id", "email", "role", "id"))
    assert [row[:3] for row in invitations] == [
        (organisation.id, "thabo@example.test", "instructor"),
        (organisation.id, "zanele@example.test", "instructor"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["thabo@example.test", "zanele@example.test"]
    recorded = data_of(view, "invite_members")
    assert recorded == {
        "emails": ["thabo@example.test", "zanele@example.test"],
        "role": "instructor",
        "organisation_id": str(organisation.id),
        "invitations": [
            {"email": "thabo@example.test", "invitation_id": str(invitations[0][3])},
            {"email": "zanele@example.test", "invitation_id": str(invitations[1][3])},
        ],
    }
    assert "token" not in str(recorded)


def test_sso_later_is_informational_and_completes_the_flow(learner: User) -> None:
    view = walk(learner, "organisation", until="sso")
    view = submit(view, learner, "sso", skip=True)
    assert (view.status, view.progress) == ("completed", 1.0)
    [event] = events_of("onboarding.completed")
    assert (event["flow"], event["skipped_steps"]) == ("organisation", ["sso"])
