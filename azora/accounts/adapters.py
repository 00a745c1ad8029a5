"""allauth adapter: how Azora's sign-up and email flows plug into allauth."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from azora.accounts import services


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth types its adapter base as Any
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Every account made through allauth (browser or headless sign-up) is onboarded like our own."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.user_onboard(user_id=user.pk)
        return user
