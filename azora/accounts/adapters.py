"""allauth adapter: how Azora's sign-up and email flows plug into allauth."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth types its adapter base as Any
    pass
