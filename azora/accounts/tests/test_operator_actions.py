"""Operators' actions on users: search, suspend and reactivate, MFA reset, platform roles with the operator named,
and the refusals that keep the platform run by someone (never oneself, never the last platform admin)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.test import Client
from django.utils import timezone

from azora.accounts import public
from azora.accounts.errors import LastPlatformAdmin, OperatorActionOnSelf, OperatorReasonRequired
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.shared.errors import NotFound
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def events_of(event_type: str) -> list[dict[str, object]]:
    return [row.payload for row in OutboxEvent.objects.filter(event_type=event_type).order_by("id")]


@pytest.fixture
def operator(db: None) -> User:
    user = UserFactory(email="operator@example.test", display_name="Nomsa Operator")
    public.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(email="thabo@example.test", display_name="Thabo")


def test_suspend_stops_sign_in_ends_sessions_and_publishes_the_reason(operator: User, learner: User) -> None:
    client = Client()
    assert client.login(email=learner.email, password=DEFAULT_PASSWORD)
    client.get("/")  # the user-sessions middleware records the session on a request
    assert UserSession.objects.filter(user=learner).count() == 1

    changed = public.user_suspend(actor_id=operator.id, user_id=learner.id, reason="Fraudulent payments")

    assert changed is True
    learner.refresh_from_db()
    assert learner.is_active is False
    assert UserSession.objects.filter(user=learner).count() == 0
    assert Client().login(email=learner.email, password=DEFAULT_PASSWORD) is False
    suspended = events_of("accounts.user_suspended")
    assert len(suspended) == 1
    assert suspended[0]["reason"] == "Fraudulent payments"
    assert suspended[0]["actor_id"] == str(operator.id)
    assert suspended[0]["user_id"] == str(learner.id)


def test_suspending_an_already_suspended_user_changes_and_publishes_nothing(operator: User, learner: User) -> None:
    public.user_suspend(actor_id=operator.id, user_id=learner.id, reason="Spam")

    assert public.user_suspend(actor_id=operator.id, user_id=learner.id, reason="Spam again") is False
    assert len(events_of("accounts.user_suspended")) == 1


def test_a_suspended_users_api_key_stops_working(operator: User, learner: User) -> None:
    principal = public.principal_for_user(user_id=learner.id)
    created = public.api_key_create(principal=principal, name="script", scopes=["profile:read"])
    assert public.principal_from_api_key(raw_key=created.key) is not None

    public.user_suspend(actor_id=operator.id, user_id=learner.id, reason="Abuse of the API")

    assert public.principal_from_api_key(raw_key=created.key) is None


def test_reactivate_lets_the_user_in_again(operator: User, learner: User) -> None:
    public.user_suspend(actor_id=operator.id, user_id=learner.id, reason="Spam")

    assert public.user_reactivate(actor_id=operator.id, user_id=learner.id, reason="Appeal accepted") is True

    learner.refresh_from_db()
    assert learner.is_active is True
    assert Client().login(email=learner.email, password=DEFAULT_PASSWORD) is True
    assert [event["reason"] for event in events_of("accounts.user_reactivated")] == ["Appeal accepted"]
    assert public.user_reactivate(actor_id=operator.id, user_id=learner.id, reason="Twice") is False


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "line\nbreak"])
def test_an_action_without_a_usable_reason_is_refused_and_changes_nothing(
    operator: User, learner: User, reason: str
) -> None:
    events_before = OutboxEvent.objects.count()

    with pytest.raises(OperatorReasonRequired) as raised:
        public.user_suspend(actor_id=operator.id, user_id=learner.id, reason=reason)
    with pytest.raises(OperatorReasonRequired):
        public.mfa_reset(actor_id=operator.id, user_id=learner.id, reason=reason)

    assert raised.value.code == "reason_required"
    assert raised.value.extra["errors"][0]["field"] == "reason"
    learner.refresh_from_db()
    assert learner.is_active is True
    assert OutboxEvent.objects.count() == events_before


def test_an_operator_cannot_suspend_themselves(operator: User) -> None:
    other_admin = UserFactory()
    public.platform_role_grant(user_id=other_admin.id, role="platform_admin")
    events_before = OutboxEvent.objects.count()

    with pytest.raises(OperatorActionOnSelf):
        public.user_suspend(actor_id=operator.id, user_id=operator.id, reason="Testing")

    operator.refresh_from_db()
    assert operator.is_active is True
    assert OutboxEvent.objects.count() == events_before


def test_the_last_platform_admin_can_be_neither_suspended_nor_demoted(operator: User, learner: User) -> None:
    # `learner` acts here as another operator who holds no admin role (a finance admin, say).
    events_before = OutboxEvent.objects.count()

    with pytest.raises(LastPlatformAdmin) as raised:
        public.user_suspend(actor_id=learner.id, user_id=operator.id, reason="Leaving")
    with pytest.raises(LastPlatformAdmin):
        public.platform_role_revoke(user_id=operator.id, role="platform_admin", actor_id=learner.id)

    assert raised.value.status == 409
    assert public.user_has_platform_role(user_id=operator.id, role="platform_admin") is True
    operator.refresh_from_db()
    assert operator.is_active is True
    assert OutboxEvent.objects.count() == events_before


def test_an_admin_may_be_demoted_while_another_admin_remains(operator: User) -> None:
    other_admin = UserFactory()
    public.platform_role_grant(user_id=other_admin.id, role="platform_admin", actor_id=operator.id)

    public.platform_role_revoke(user_id=other_admin.id, role="platform_admin", actor_id=operator.id)

    assert public.user_has_platform_role(user_id=other_admin.id, role="platform_admin") is False
    changes = [
        (event["role"], event["granted"], event["actor_id"])
        for event in events_of("accounts.platform_role_changed")
        if event["user_id"] == str(other_admin.id)
    ]
    assert changes == [("platform_admin", True, str(operator.id)), ("platform_admin", False, str(operator.id))]


def test_an_admin_cannot_demote_themselves_even_with_another_admin(operator: User) -> None:
    other_admin = UserFactory()
    public.platform_role_grant(user_id=other_admin.id, role="platform_admin")

    with pytest.raises(OperatorActionOnSelf):
        public.platform_role_revoke(user_id=operator.id, role="platform_admin", actor_id=operator.id)

    assert public.user_has_platform_role(user_id=operator.id, role="platform_admin") is True


def test_granting_a_role_already_held_publishes_nothing(operator: User, learner: User) -> None:
    before = len(events_of("accounts.platform_role_changed"))

    public.platform_role_grant(user_id=learner.id, role="learner", actor_id=operator.id)
    public.platform_role_revoke(user_id=learner.id, role="finance_admin", actor_id=operator.id)

    assert len(events_of("accounts.platform_role_changed")) == before


def test_mfa_reset_removes_every_authenticator_and_publishes_the_reason(operator: User, learner: User) -> None:
    TOTP.activate(learner, generate_totp_secret())
    assert public.operator_user_get(user_id=learner.id).has_mfa is True

    removed = public.mfa_reset(actor_id=operator.id, user_id=learner.id, reason="Lost phone, identity checked")

    assert removed == 1
    assert Authenticator.objects.filter(user=learner).count() == 0
    assert public.operator_user_get(user_id=learner.id).has_mfa is False
    assert [event["reason"] for event in events_of("accounts.mfa_reset")] == ["Lost phone, identity checked"]


def test_actions_on_an_unknown_user_are_not_found(operator: User) -> None:
    with pytest.raises(NotFound):
        public.user_suspend(actor_id=operator.id, user_id=uuid.uuid4(), reason="Spam")
    with pytest.raises(NotFound):
        public.mfa_reset(actor_id=operator.id, user_id=uuid.uuid4(), reason="Lost phone")


def test_search_finds_by_email_or_name_newest_first_with_roles(operator: User, learner: User) -> None:
    naledi = UserFactory(email="naledi@example.test", display_name="Naledi Thabo-Mokoena")

    page = public.user_search_for_operator(query="thabo")

    assert [user.email for user in page.items] == [naledi.email, learner.email]
    assert page.items[1].platform_roles == frozenset({"learner"})
    admins = public.user_search_for_operator(role="platform_admin")
    assert [user.id for user in admins.items] == [operator.id]


def test_search_pages_with_a_cursor_and_a_bounded_number_of_queries(
    operator: User, django_assert_max_num_queries: object
) -> None:
    for _ in range(5):
        UserFactory()

    with django_assert_max_num_queries(3):  # type: ignore[operator]  # pytest-django's fixture is a context manager
        first = public.user_search_for_operator(limit=4)
    second = public.user_search_for_operator(limit=4, cursor=first.next_cursor)

    assert len(first.items) == 4
    assert len(second.items) == 2
    assert {user.id for user in first.items}.isdisjoint({user.id for user in second.items})


def test_user_counts_and_joins_by_day(operator: User, learner: User) -> None:
    now = timezone.now()
    User.objects.filter(id=learner.id).update(last_login=now)
    suspended = UserFactory()
    public.user_suspend(actor_id=operator.id, user_id=suspended.id, reason="Spam")

    counts = public.user_counts(active_since=now - timedelta(days=1))
    joined = public.users_joined_by_day(days=3, today=now.date())

    assert (counts.total, counts.active, counts.suspended) == (2, 1, 1)
    assert [day for day, _ in joined] == [now.date() - timedelta(days=2), now.date() - timedelta(days=1), now.date()]
    assert joined[-1][1] == 3


def test_the_operator_flag_is_cached_and_forgotten_when_a_role_changes(
    learner: User, django_assert_num_queries: Any
) -> None:
    assert public.is_platform_operator(user_id=learner.id) is False
    with django_assert_num_queries(0):
        assert public.is_platform_operator(user_id=learner.id) is False

    public.platform_role_grant(user_id=learner.id, role="finance_admin")
    assert public.is_platform_operator(user_id=learner.id) is True

    public.platform_role_revoke(user_id=learner.id, role="finance_admin")
    assert public.is_platform_operator(user_id=learner.id) is False
