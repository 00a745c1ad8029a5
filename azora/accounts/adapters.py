"""allauth adapters: how Azora's sign-up, sign-in and social flows plug into allauth."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from azora.accounts import services


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth types its adapter base as Any
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Every account made through allauth (browser or headless sign-up) is onboarded like our own."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.user_onboard(user_id=user.pk)
        return user

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Signing in switches the interface to the person's saved language, on any device."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        language = getattr(user, "preferred_language", "")
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth's base is untyped
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        """An account made through enterprise SSO or a social provider is onboarded like any other."""
        user = super().save_user(request, sociallogin, form)
        services.user_onboard(user_id=user.pk)
        return user
