"""Reads the Master UI prepares at sign-in: whether the person is an operator, so that the shell's menu (which
shows the Operations link to operators only) answers from the cache on every page without a query."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest

import azora.accounts.public as accounts


def remember_operator_flag(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A `user_logged_in` receiver: asks once, at sign-in, and the answer stays cached (accounts forgets it when
    a platform role changes)."""
    if isinstance(getattr(user, "pk", None), uuid.UUID):
        accounts.is_platform_operator(user_id=user.pk)
