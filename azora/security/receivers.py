"""Aegis's receivers of sign-in signals: Django's failed and successful logins and allauth's failed MFA codes
become security events and feed abuse detection."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

import azora.accounts.public as accounts
from azora.security import abuse
from azora.security.identity import client_ip, digest

logger = logging.getLogger(__name__)

_EMAIL_CREDENTIALS = ("email", "username", "login")


def _email_of(credentials: dict[str, Any]) -> str | None:
    for name in _EMAIL_CREDENTIALS:
        value = credentials.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:320]
    return None


def _ip_of(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)


def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """django.contrib.auth's user_login_failed: Django already replaced the password with asterisks; the
    email is kept only as a digest in the event, since people type passwords into the email field."""
    from azora.security.public import events

    email = _email_of(credentials)
    actor_id = accounts.active_user_id_by_email(email=email) if email else None
    events.security_event_record(
        kind="login_failed",
        summary=gettext("Failed sign-in."),
        actor_id=actor_id,
        request=request,
        detail={"account": digest(f"email:{email}") if email else None, "account_exists": actor_id is not None},
    )
    _feed_abuse(request, email)


def on_mfa_failed(sender: object, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    """allauth.mfa's authentication_failed: a wrong second-factor code (the password was right)."""
    from azora.security.public import events

    user_id = getattr(user, "pk", None)
    email = getattr(user, "email", None)
    events.security_event_record(
        kind="mfa_failed",
        summary=gettext("Failed second-factor code."),
        actor_id=user_id,
        request=request,
        detail={"reauthentication": bool(kwargs.get("reauthentication", False))},
    )
    _feed_abuse(request, email.lower() if isinstance(email, str) and email else None)


def on_logged_in(sender: object, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    email = getattr(user, "email", None)
    if not isinstance(email, str) or not email:
        return
    try:
        abuse.sign_in_succeeded(account=email.lower())
    except Exception:  # robust: a cache outage must not fail a correct sign-in
        logger.warning("sign-in delay not cleared: the cache is unreachable")


def _feed_abuse(request: HttpRequest | None, email: str | None) -> None:
    ip = _ip_of(request)
    if ip is None:
        return  # a failure outside a request (a management command, a test calling authenticate directly)
    try:
        abuse.sign_in_failed(ip=ip, account=email)
    except Exception:  # robust: abuse detection failing must never turn a wrong password into a server error
        logger.exception("abuse detection skipped a failed sign-in")


def connect() -> None:
    """Connects the receivers (AppConfig.ready); dispatch_uid keeps a second call harmless."""
    from allauth.mfa.signals import authentication_failed
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_login_failed.connect(on_login_failed, dispatch_uid="azora.security.login_failed")
    user_logged_in.connect(on_logged_in, dispatch_uid="azora.security.logged_in")
    authentication_failed.connect(on_mfa_failed, dispatch_uid="azora.security.mfa_failed")
