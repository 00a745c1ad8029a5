"""Builds the one /api/v1 NinjaAPI: default auth, the problem+json error envelope, docs and each app's router."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from azora.accounts.api import router as accounts_router
from azora.agents.api import router as agents_router
from azora.ai_routing.api import router as ai_routing_router
from azora.constitution.api import router as constitution_router
from azora.education.api import router as education_router
from azora.finance.api import router as finance_router
from azora.gateway.auth import default_auth
from azora.gateway.errors import MalformedJson, NulInBody
from azora.gateway.handlers import install_exception_handlers
from azora.health.api import router as health_router
from azora.marketplace.api import router as marketplace_router
from azora.onboarding.api import router as onboarding_router
from azora.payments.api import router as payments_router
from azora.revenue.api import router as revenue_router
from azora.security.api import router as security_router

API_DESCRIPTION = """\
The Azora platform API. Authenticate with `Authorization: Bearer <access token>` (allauth headless JWT),
`Authorization: Bearer azk_...` or `X-API-Key: azk_...` (API keys), or a signed-in browser session with
the `X-CSRFToken` header. Errors are RFC 9457 `application/problem+json` with a stable `code`.
Lists take `?cursor=&limit=` and answer `{"items": [...], "next_cursor": ...}`.
Unsafe methods accept an `Idempotency-Key` header.
"""


def app_routers() -> list[tuple[str, Router]]:
    """Each app's router and the prefix it is mounted at, bottom layer first."""
    return [
        ("", accounts_router),
        ("", security_router),
        ("", health_router),
        ("", education_router),
        ("", finance_router),
        ("/ai", ai_routing_router),
        ("", payments_router),
        ("/constitution", constitution_router),
        ("", revenue_router),
        ("", marketplace_router),
        ("", agents_router),
        ("", onboarding_router),
    ]


# Where ninja reads an operation's request body from.
BODY_SOURCES = frozenset({"body", "form", "file"})
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# The error envelope every operation may answer with (azora.shared.problems), for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable. Validation problems list `errors`.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["field"],
            },
        },
    },
    "required": ["type", "title", "status", "code", "detail"],
    "additionalProperties": True,
}
PROBLEM_RESPONSE: dict[str, Any] = {
    "description": "An error: RFC 9457 problem details (see docs/api.md for the codes).",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class BodyParser(Parser):
    """Ninja's JSON parser, refusing U+0000 in any string before it can reach a database (PostgreSQL refuses it
    mid-transaction: a 500 instead of a clear answer)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _holds_nul(data):
            raise NulInBody("U+0000 in the request body")
        return data


class AzoraAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """Name body fields as the client sent them: `body.email`, not `body.<parameter name>.email`.

        Ninja wraps a lone body schema under its parameter's name; that name is not in the JSON.
        """
        error = super().validation_error_from_error_contexts(error_contexts)
        single_body_names = {
            name
            for context in error_contexts
            if context.model.__ninja_param_source__ == "body"
            and (name := getattr(context.model, "__read_from_single_attr__", None))
        }
        for item in error.errors:
            loc = tuple(item.get("loc", ()))
            if len(loc) >= 2 and loc[0] == "body" and loc[1] in single_body_names:
                item["loc"] = (loc[0], *loc[2:])
        return error

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """Ninja's document, plus the problem+json envelope as every operation's `default` response."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method in HTTP_METHODS:
                    operation.setdefault("responses", {}).setdefault("default", PROBLEM_RESPONSE)
        return schema


def refuse_unexpected_body(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Makes an operation that takes no body refuse one, rather than act and silently ignore it.

    Empty bodies, `{}` and `null` pass (many clients send them by habit). Applied after
    authentication and validation, so a caller without credentials still gets 401 first.
    """
    operation = getattr(view_func, "_ninja_operation", None)
    if operation is None or any(model.__ninja_param_source__ in BODY_SOURCES for model in operation.models):
        return view_func

    @wraps(view_func)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        refuse_body(request.body)
        return view_func(request, *args, **kwargs)

    return guarded


def refuse_body(body: bytes) -> None:
    if not body.strip():
        return
    try:
        data = json.loads(body)
    except ValueError as error:
        raise MalformedJson() from error
    if data is None or data == {}:
        return
    names = [str(name) for name in data] if isinstance(data, dict) else []
    locations: list[tuple[str, ...]] = [("body", name) for name in names] or [("body",)]
    raise ValidationError(
        [{"loc": loc, "msg": "This operation takes no request body.", "type": "extra_forbidden"} for loc in locations]
    )


def build_api(*, routers: Sequence[tuple[str, Router]] | None = None, urls_namespace: str = "api") -> NinjaAPI:
    """The API with every app's router; a test passes its own `routers` to build a probe API instead."""
    api = AzoraAPI(
        title="Azora API",
        version="1",
        description=API_DESCRIPTION,
        urls_namespace=urls_namespace,
        # Ninja's vendored Swagger UI (no CDN) runs under the site's strict CSP as it is: its scripts
        # are files from 'self' and it styles elements through the CSSOM, which style-src allows.
        docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
        docs_url="/docs",
        openapi_url="/openapi.json",
        auth=default_auth(),
        parser=BodyParser(),
    )
    install_exception_handlers(api)
    api.add_decorator(refuse_unexpected_body, mode="operation")
    for prefix, router in app_routers() if routers is None else routers:
        api.add_router(prefix, router)
    return api
