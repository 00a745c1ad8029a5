"""Sign-up through allauth (the browser form and headless) onboards the account like our own flows do."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings
from django.test import Client, RequestFactory

from azora.accounts import public
from azora.accounts.models import User
from azora.accounts.tests.conftest import published
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "kind-otter-rides-bicycles-9"


def _assert_onboarded(email: str) -> None:
    user = User.objects.get(email=email)
    assert public.platform_roles_of(user_id=user.id) == frozenset({"learner"})
    assert published("accounts.user_signed_up") == [{"user_id": str(user.id)}]


def test_browser_sign_up_grants_the_learner_role_and_publishes_user_signed_up() -> None:
    response = Client().post(
        "/accounts/signup/", {"email": "amara@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    _assert_onboarded("amara@example.test")


def test_headless_sign_up_grants_the_learner_role() -> None:
    response = Client().post(
        "/_allauth/app/v1/auth/signup",
        data=json.dumps({"email": "kofi@example.test", "password": PASSWORD}),
        content_type="application/json",
    )

    assert response.status_code == 401, response.content  # signed up; the email is not verified yet
    _assert_onboarded("kofi@example.test")


def test_a_refused_sign_up_creates_no_user_and_no_event() -> None:
    response = Client().post(
        "/accounts/signup/", {"email": "amara@example.test", "password1": "short", "password2": "short"}
    )

    assert response.status_code == 200
    assert User.objects.count() == 0
    assert published("accounts.user_signed_up") == []


def test_signing_in_sets_the_language_cookie_to_the_saved_language() -> None:
    user = UserFactory(preferred_language="fr")

    response = Client().post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_a_social_sign_up_grants_the_learner_role_and_publishes_user_signed_up() -> None:
    request = RequestFactory().get("/accounts/")
    request.session = {}  # type: ignore[assignment]  # allauth only reads and writes keys on it
    sociallogin = SocialLogin(
        user=User(email="nia@example.test"),
        account=SocialAccount(provider="openid_connect", uid="nia-1"),
        email_addresses=[EmailAddress(email="nia@example.test", verified=True, primary=True)],
    )

    get_social_adapter().save_user(request, sociallogin)

    _assert_onboarded("nia@example.test")
