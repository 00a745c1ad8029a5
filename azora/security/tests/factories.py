"""factory_boy factories for Aegis's tests; users by AUTH_USER_MODEL, since Aegis may not import accounts."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

DEFAULT_PASSWORD = "a-long-test-password-42"


# mypy skips factory_boy (pyproject), so its base is Any here.
class UserFactory(DjangoModelFactory):  # type: ignore[misc,unused-ignore]
    """A user who can sign in: a hashed password and a verified primary email address."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        user = get_user_model().objects.create_user(*args, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user
