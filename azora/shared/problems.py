"""RFC 9457 problem details: the one shape every error response of the platform takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://azora.dev/problems/"


def problem_body(
    *, status: int, code: str, title: str, detail: str | None = None, request: HttpRequest | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
    }
    if request is not None:
        body["instance"] = request.path
        request_id = getattr(request, "request_id", None)
        if request_id:
            body["request_id"] = request_id
    if extra:
        body.update(extra)
    return body


def problem_response(
    *, status: int, code: str, title: str, detail: str | None = None, request: HttpRequest | None = None,
    extra: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
) -> JsonResponse:  # fmt: skip
    body = problem_body(status=status, code=code, title=title, detail=detail, request=request, extra=extra)
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
