"""Who is calling /api/v1: API keys, allauth JWT access tokens and browser sessions, each as a Principal."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from azora.accounts.public import Principal, principal_for_user, principal_from_api_key
from azora.gateway import security_events
from azora.gateway.errors import CsrfFailed, NotAuthenticated

API_KEY_PREFIX = "azk_"
API_KEY_HEADER = "X-API-Key"
BEARER_SCHEME = "bearer"


# Access tokens this process has verified: the token -> (its user id, when it expires). A JWT's signature check
# (RS256) is a pure function of the token and the signing key, which comes from the environment (a new key means a
# restart, and so an empty cache); a client sends the same token on every request for its lifetime (5 minutes in
# production), so each is verified once per process. Bounded: emptied when full.
_VERIFIED: dict[str, tuple[uuid.UUID, float]] = {}
_VERIFIED_MAX = 4096


def jwt_user_id(token: str) -> uuid.UUID | None:
    """The user id (`sub`) of a valid, unexpired allauth access token; stateless, so no database query."""
    known = _VERIFIED.get(token)
    if known is not None:
        user_id, expires_at = known
        return user_id if time.time() < expires_at else None
    from allauth.headless.tokens.strategies.jwt.internal import validate_access_token

    validated = validate_access_token(token)
    if validated is None:
        return None
    _lazy_user, payload = validated
    try:
        user_id = uuid.UUID(str(payload["sub"]))
        expires_at = float(payload["exp"])
    except (KeyError, TypeError, ValueError):
        return None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[token] = (user_id, expires_at)
    return user_id


def bearer_token(request: HttpRequest) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header, or None."""
    scheme, _, credential = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != BEARER_SCHEME or not credential.strip():
        return None
    return credential.strip()


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`: an API key (`azk_...`) or an allauth JWT access token.

    A presented credential that does not verify is refused outright (401) rather than passed over
    for a session cookie, so a client never acts as someone other than the credential it sent.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        token = token.strip()
        if token.startswith(API_KEY_PREFIX):
            principal = principal_from_api_key(raw_key=token)
            if principal is None:
                security_events.record_rejected_api_key(request, raw_key=token)
                raise NotAuthenticated("The API key is not valid, or was revoked or has expired.")
            return principal
        user_id = jwt_user_id(token)
        if user_id is None:
            raise NotAuthenticated("The access token is not valid or has expired.")
        return principal_for_user(user_id=user_id, via="jwt")


class ApiKeyHeaderAuth(APIKeyHeader):
    """`X-API-Key: azk_...` for clients that cannot set an Authorization header."""

    param_name = API_KEY_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if not key:
            return None
        principal = principal_from_api_key(raw_key=key.strip())
        if principal is None:
            security_events.record_rejected_api_key(request, raw_key=key.strip())
            raise NotAuthenticated("The API key is not valid, or was revoked or has expired.")
        return principal


class SessionAuth(APIKeyCookie):
    """The browser's signed-in allauth session; unsafe methods must pass Django's CSRF check.

    Unlike ninja's SessionAuth, the CSRF check runs only for a signed-in session, so an anonymous
    call without any credential gets 401 (not a CSRF 403).
    """

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        return principal_for_user(user_id=user.pk, via="session")


def default_auth() -> list[AuthBase]:
    """The API's default authentication, tried in order; the first presented credential decides."""
    return [BearerAuth(), ApiKeyHeaderAuth(), SessionAuth()]


def credential_scope(request: HttpRequest) -> str:
    """A stable, secret-free fingerprint of the caller, for scoping Idempotency-Keys.

    It follows the order of `default_auth`: an API key by the hash of the key itself, a JWT by its
    verified `sub` (never an unverified one, or a forged token could read another user's replay),
    a session by its user id; anyone else shares the anonymous scope.
    """
    token = bearer_token(request)
    header_key = request.headers.get(API_KEY_HEADER, "").strip()
    if token is not None and token.startswith(API_KEY_PREFIX):
        identity = f"api_key:{token}"
    elif token is not None:
        user_id = jwt_user_id(token)
        identity = f"user:{user_id}" if user_id else "invalid_token"
    elif header_key:
        identity = f"api_key:{header_key}"
    else:
        identity = _session_identity(request)
    return hashlib.sha256(identity.encode()).hexdigest()


def _session_identity(request: HttpRequest) -> str:
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"
