"""Gateway middleware: request body limits, Idempotency-Key handling and problem+json for bare API 405s."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from azora.gateway import selectors, services
from azora.gateway.auth import credential_scope
from azora.gateway.errors import (
    BadRequest,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotencyRequestInProgress,
    MethodNotAllowed,
    PayloadTooLarge,
)
from azora.gateway.handlers import TRANSIENT_RESPONSE, error_response
from azora.gateway.sealing import seal, unseal
from azora.shared.problems import PROBLEM_CONTENT_TYPE

GetResponse = Callable[[HttpRequest], HttpResponseBase]

API_PREFIX = "/api/"
LIMITED_PREFIXES = ("/api/", "/_allauth/")
IDEMPOTENT_PREFIX = "/api/v1/"
IDEMPOTENT_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_IDEMPOTENCY_KEY_LENGTH = 255
POLL_INTERVAL_SECONDS = 0.05
# Headers that belong to the stored response itself; the outer middleware adds the rest (request id, security).
REPLAYED_RESPONSE_HEADERS = frozenset(
    {"content-type", "content-language", "location", "etag", "last-modified", "link", "allow", "retry-after"}
)


class RequestBodyLimitMiddleware:
    """Refuses API and headless bodies over AZORA_MAX_REQUEST_BYTES with 413, reading at most one byte past it."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith(LIMITED_PREFIXES):
            refusal = self._refusal(request, limit=settings.AZORA_MAX_REQUEST_BYTES)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest, *, limit: int) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                return error_response(request, BadRequest("The Content-Length header is not a number."))
            if length < 0:
                return error_response(request, BadRequest("The Content-Length header is not a number."))
            return self._too_large(request, limit) if length > limit else None
        # No Content-Length (a chunked upload through ASGI): read at most one byte past the limit,
        # then hand the bytes read to the rest of the stack as the body.
        body = request.read(limit + 1)
        if len(body) > limit:
            return self._too_large(request, limit)
        request._body = body  # Django's own cache of the body
        request._stream = io.BytesIO(body)
        return None

    @staticmethod
    def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
        return error_response(
            request, PayloadTooLarge(f"The request body must not exceed {limit} bytes.", extra={"max_bytes": limit})
        )


class IdempotencyMiddleware:
    """Runs an unsafe /api/v1 request with an Idempotency-Key once per caller, replaying its first response.

    The key is scoped to the caller's credential, bound to the method, path and body of its first
    use, and kept for AZORA_IDEMPOTENCY_TTL; the stored body is encrypted (sealing.py). Responses
    that say "try again" (5xx, 401, 429, CSRF failures) are not kept: the key is released so that
    the client can retry with it.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None or request.method not in IDEMPOTENT_METHODS or not request.path.startswith(IDEMPOTENT_PREFIX):
            return self.get_response(request)
        if not is_valid_idempotency_key(key):
            return error_response(request, IdempotencyKeyInvalid())
        return self._handle(request, key)

    def _handle(self, request: HttpRequest, key: str) -> HttpResponseBase:
        scope = credential_scope(request)
        method = request.method or ""
        path = request.get_full_path()
        request_hash = hashlib.sha256(request.body).hexdigest()
        deadline = time.monotonic() + settings.AZORA_IDEMPOTENCY_WAIT_SECONDS
        while True:
            claim = services.idempotency_claim(
                scope=scope,
                key=key,
                method=method,
                path=path,
                request_hash=request_hash,
                ttl=settings.AZORA_IDEMPOTENCY_TTL,
            )
            if claim.record_id is not None:
                return self._run_once(request, claim.record_id, scope)
            stored = claim.existing
            while stored is not None:
                if not stored.matches(method=method, path=path, request_hash=request_hash):
                    return error_response(request, IdempotencyKeyReused())
                if stored.is_completed:
                    body = unseal(secret=settings.SECRET_KEY, scope=scope, sealed=stored.response_body)
                    if body is not None:
                        return replay(stored, body)
                    # Sealed under a secret since rotated: unreadable, so as good as expired.
                    services.idempotency_forget(record_id=stored.id)
                    break
                if time.monotonic() >= deadline:
                    return error_response(request, IdempotencyRequestInProgress(), headers={"Retry-After": "1"})
                time.sleep(POLL_INTERVAL_SECONDS)
                stored = selectors.idempotency_record_get(scope=scope, key=key)
            else:
                # The first request released the key (it failed on our side): run this one in its place.
                if time.monotonic() >= deadline:
                    return error_response(request, IdempotencyRequestInProgress(), headers={"Retry-After": "1"})

    def _run_once(self, request: HttpRequest, record_id: int, scope: str) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except BaseException:
            services.idempotency_release(record_id=record_id)
            raise
        if not is_replayable(response):
            services.idempotency_release(record_id=record_id)
            return response
        assert isinstance(response, HttpResponse)  # is_replayable admits only buffered responses
        headers = [(name, value) for name, value in response.items() if name.lower() in REPLAYED_RESPONSE_HEADERS]
        sealed = seal(secret=settings.SECRET_KEY, scope=scope, plaintext=response.content)
        services.idempotency_complete(record_id=record_id, status=response.status_code, headers=headers, body=sealed)
        return response


def is_valid_idempotency_key(key: str) -> bool:
    return 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH and all(" " <= character <= "~" for character in key)


def is_replayable(response: HttpResponseBase) -> bool:
    """Whether a response is the outcome of the request, not a "try again later" (or a stream)."""
    if not isinstance(response, HttpResponse) or response.streaming:
        return False
    if response.status_code >= 500 or response.status_code in {401, 429}:
        return False
    return not getattr(response, TRANSIENT_RESPONSE, False)


def replay(stored: selectors.StoredRequest, body: bytes) -> HttpResponse:
    response = HttpResponse(body, status=stored.response_status or 200)
    for name, value in stored.response_headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


class ApiProblemMiddleware:
    """Gives the bare 405 that the API's URL patterns answer for an unknown method the problem+json shape."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
            return error_response(request, MethodNotAllowed(), headers=headers)
        return response
