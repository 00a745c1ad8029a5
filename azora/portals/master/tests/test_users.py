"""Operators' actions on users through the Master UI: search, suspend and reactivate, MFA reset, roles; a
refused action shows why beside its form and changes nothing; each lands in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

import azora.accounts.public as accounts
import azora.security.public as security
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_search_finds_a_person_by_name_and_links_to_their_page(operator_client: Client, learner: User) -> None:
    response = operator_client.get("/master/users/", {"q": "thabo"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/master/users/{learner.id}/"' in body
    assert "nomsa@example.test" not in body


def test_an_htmx_search_answers_with_the_results_fragment_only(operator_client: Client, learner: User) -> None:
    response = operator_client.get("/master/users/", {"q": "thabo"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<h1>" not in body


def test_suspending_from_the_page_suspends_and_is_audited(
    operator_client: Client,
    operator: User,
    learner: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/master/users/{learner.id}/suspend/", {"suspend-reason": "Card fraud"})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.is_active is False
    records = security.audit_list(action="accounts.user_suspended").items
    assert [(record.actor_id, record.target_id) for record in records] == [(operator.id, str(learner.id))]
    page = operator_client.get(f"/master/users/{learner.id}/").content.decode()
    assert "The account is suspended." in page
    assert "Reactivate account" in page


def test_a_suspension_without_a_reason_is_refused_beside_the_form(operator_client: Client, learner: User) -> None:
    events_before = OutboxEvent.objects.count()

    response = operator_client.post(f"/master/users/{learner.id}/suspend/", {"suspend-reason": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active is True
    assert OutboxEvent.objects.count() == events_before


def test_demoting_the_last_platform_admin_shows_the_conflict_and_changes_nothing(
    operator_client: Client, operator: User
) -> None:
    other = UserFactory()
    accounts.platform_role_grant(user_id=other.id, role="finance_admin")
    events_before = OutboxEvent.objects.count()

    response = operator_client.post(
        f"/master/users/{operator.id}/roles/", {"role-role": "platform_admin", "grant": "0"}
    )

    assert response.status_code == 409
    assert "An operator cannot suspend or demote themselves." in response.content.decode()
    assert accounts.user_has_platform_role(user_id=operator.id, role="platform_admin") is True
    assert OutboxEvent.objects.count() == events_before


def test_granting_a_role_from_the_page_names_the_operator(
    operator_client: Client, operator: User, learner: User
) -> None:
    response = operator_client.post(f"/master/users/{learner.id}/roles/", {"role-role": "instructor", "grant": "1"})

    assert response.status_code == 302
    assert accounts.user_has_platform_role(user_id=learner.id, role="instructor") is True
    changed = OutboxEvent.objects.filter(event_type="accounts.platform_role_changed").order_by("id").last()
    assert changed is not None
    assert changed.payload["actor_id"] == str(operator.id)
    assert changed.payload["role"] == "instructor"


def test_resetting_mfa_from_the_page_removes_the_authenticators(operator_client: Client, learner: User) -> None:
    TOTP.activate(learner, generate_totp_secret())

    response = operator_client.post(f"/master/users/{learner.id}/mfa-reset/", {"mfa-reason": "Lost phone"})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=learner).count() == 0


def test_an_unknown_user_is_not_found(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/users/0190f1e2-0000-7000-8000-000000000001/suspend/", {"suspend-reason": "Spam"}
    )

    assert response.status_code == 404
