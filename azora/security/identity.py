"""Who a request is, for rate limiting: client IP, the account it is about, the API credential it carries."""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Mapping
from typing import Any

from allauth.headless import app_settings as headless_settings
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils.crypto import salted_hmac

from azora.security.rules import Action, CountsBy

_DIGEST_SALT = "azora.security.rate-limit-identity"
# allauth keeps a half-finished login (password accepted, second factor pending) under this session key.
_ALLAUTH_PENDING_LOGIN_KEY = "account_login"
_ALLAUTH_APP_SESSION_HEADER = "X-Session-Token"
_EMAIL_FIELDS = ("email", "login")  # headless JSON and the sign-up/reset forms say `email`; the login form `login`
_MAX_EMAIL_LENGTH = 320


def client_ip(request: HttpRequest, *, trusted_proxy_count: int) -> str:
    """REMOTE_ADDR, or the Nth-from-right X-Forwarded-For entry behind N trusted proxies.

    X-Forwarded-For is never read without trusted proxies: any client can send one. Each trusted proxy
    appends the address it saw, so the Nth entry from the right is the one the outermost proxy saw.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if trusted_proxy_count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    candidate = forwarded[-trusted_proxy_count] if len(forwarded) >= trusted_proxy_count else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def ip_identity(ip: str) -> str:
    """IPv4 addresses count one by one; IPv6 by /64, because one client usually holds a whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f"ip:{ip}"
    if address.version == 6:
        return f"ip6:{ipaddress.ip_network(f'{address}/64', strict=False).network_address}"
    return f"ip:{address}"


def submitted_email(request: HttpRequest) -> str | None:
    """The email address a sign-in form or headless JSON body names, lower-cased; None when there is none."""
    data = _submitted_data(request)
    for field in _EMAIL_FIELDS:
        value = data.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:_MAX_EMAIL_LENGTH]
    return None


def _submitted_data(request: HttpRequest) -> Mapping[str, Any]:
    try:
        if request.content_type == "application/json":
            data = json.loads(request.body or b"{}")
            return data if isinstance(data, dict) else {}
        return request.POST
    except (RequestDataTooBig, MultiPartParserError, RawPostDataException, ValueError, OSError):
        # Oversized, malformed, undecodable or cut-off bodies all mean "no email".
        return {}


def session_account(request: HttpRequest) -> str | None:
    """The signed-in user, or the user of a login waiting for its second factor; None when neither.

    Browsers carry the session in a cookie; allauth's app clients send it as X-Session-Token.
    """
    session = _session_of(request)
    if session is None:
        return None
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        pending = session.get(_ALLAUTH_PENDING_LOGIN_KEY)
        user_id = pending.get("user_pk") if isinstance(pending, dict) else None
    return f"user:{_normalised_user_id(str(user_id))}" if user_id else None


def _session_of(request: HttpRequest) -> Any:
    token = request.headers.get(_ALLAUTH_APP_SESSION_HEADER)
    if token:
        # The token strategy knows how a token maps to a session (for ours, the token is the session key).
        return headless_settings.TOKEN_STRATEGY.lookup_session(token)
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return getattr(request, "session", None)
    return None


def _normalised_user_id(value: str) -> str:
    # Django's session stores str(uuid); allauth's pending login stores uuid.hex: one account, one key.
    try:
        return uuid.UUID(value).hex
    except ValueError:
        return value


def api_credential(request: HttpRequest) -> str | None:
    """The credential an API call presents (a bearer token or API key), else its session user; None if anonymous."""
    authorization = request.headers.get("Authorization", "")
    api_key = request.headers.get("X-API-Key", "")
    if authorization or api_key:
        return f"credential:{authorization}\n{api_key}"
    return session_account(request)


def identities(request: HttpRequest, *, action: Action, trusted_proxy_count: int) -> dict[CountsBy, str]:
    """Each identity this request can be counted by, as a keyed digest (raw emails and tokens are never stored)."""
    found: dict[CountsBy, str | None] = {}
    ip = ip_identity(client_ip(request, trusted_proxy_count=trusted_proxy_count))
    if action == "api":
        credential = api_credential(request)
        found["credential"] = credential
        found["anonymous_ip"] = ip if credential is None else None
    else:
        found["ip"] = ip
        if action == "mfa":
            found["account"] = session_account(request)
        else:
            email = submitted_email(request)
            found["account"] = f"email:{email}" if email else None
    return {counts_by: digest(value) for counts_by, value in found.items() if value is not None}


def digest(value: str) -> str:
    """A keyed hash: counters in Redis name no email, token or address in the clear."""
    return salted_hmac(_DIGEST_SALT, value, algorithm="sha256").hexdigest()[:32]
