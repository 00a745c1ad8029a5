"""Which URLs Aegis rate-limits: allauth's sign-in flows (browser pages and headless) and the JSON API."""

from __future__ import annotations

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from azora.security.rules import Action, Route

API_PREFIX = "/api/"

# allauth's URL names, reversed once, so that the table follows config/urls.py wherever it mounts them.
_BROWSER_PAGES: tuple[tuple[str, Action], ...] = (
    ("account_signup", "signup"),
    ("account_login", "login"),
    ("mfa_login_webauthn", "login"),  # passkey sign-in: no email, so counted per IP
    ("account_reset_password", "password_reset"),
    ("mfa_authenticate", "mfa"),
    ("mfa_reauthenticate", "mfa"),
    ("mfa_reauthenticate_webauthn", "mfa"),
    ("account_reauthenticate", "mfa"),
)
_HEADLESS_ENDPOINTS: tuple[tuple[str, Action], ...] = (
    ("account:signup", "signup"),
    ("account:login", "login"),
    ("mfa:login_webauthn", "login"),
    ("account:request_password_reset", "password_reset"),
    ("mfa:authenticate", "mfa"),
    ("mfa:authenticate_webauthn", "mfa"),
    ("mfa:reauthenticate", "mfa"),
    ("mfa:reauthenticate_webauthn", "mfa"),
    ("account:reauthenticate", "mfa"),
)
_HEADLESS_CLIENTS = ("browser", "app")


@cache
def auth_routes() -> dict[str, Route]:
    """Path -> route for every sign-in flow this URL map serves (a flow switched off is simply absent)."""
    routes: dict[str, Route] = {}
    for name, action in _BROWSER_PAGES:
        _add(routes, name, Route(action=action, answers_json=False))
    for client in _HEADLESS_CLIENTS:
        for name, action in _HEADLESS_ENDPOINTS:
            _add(routes, f"headless:{client}:{name}", Route(action=action, answers_json=True))
    return routes


def _add(routes: dict[str, Route], name: str, route: Route) -> None:
    try:
        routes[reverse(name)] = route
    except NoReverseMatch:
        return


@receiver(setting_changed)
def _forget_routes(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        auth_routes.cache_clear()
