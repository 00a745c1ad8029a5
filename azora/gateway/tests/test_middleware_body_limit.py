"""RequestBodyLimitMiddleware: API and headless bodies over AZORA_MAX_REQUEST_BYTES are refused with 413."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from azora.gateway.middleware import RequestBodyLimitMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("probe_urls")]

LIMIT = 64


@pytest.fixture(autouse=True)
def small_limit(settings: Settings) -> None:
    settings.AZORA_MAX_REQUEST_BYTES = LIMIT


def _body_of_size(size: int) -> bytes:
    """A valid JSON object of exactly `size` bytes."""
    prefix, suffix = b'{"name": "', b'"}'
    return prefix + b"x" * (size - len(prefix) - len(suffix)) + suffix


def test_body_at_the_limit_is_accepted(jwt_client: Client) -> None:
    response = jwt_client.post("/api/v1/probe/groups", _body_of_size(LIMIT), content_type="application/json")

    assert response.status_code == 201
    assert Group.objects.count() == 1


def test_body_one_byte_over_the_limit_is_refused(jwt_client: Client) -> None:
    response = jwt_client.post("/api/v1/probe/groups", _body_of_size(LIMIT + 1), content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert (body["code"], body["max_bytes"]) == ("payload_too_large", LIMIT)
    assert Group.objects.count() == 0


def test_refused_before_authentication() -> None:
    response = Client().post("/api/v1/probe/groups", _body_of_size(LIMIT + 1), content_type="application/json")

    assert response.status_code == 413


def test_headless_allauth_bodies_are_limited_too() -> None:
    response = Client().post("/_allauth/app/v1/auth/login", _body_of_size(LIMIT + 1), content_type="application/json")

    assert response.status_code == 413
    assert json.loads(response.content)["code"] == "payload_too_large"


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_a_content_length_that_is_not_a_size_is_400(jwt_client: Client, length: str) -> None:
    response = jwt_client.post(
        "/api/v1/probe/groups", _body_of_size(20), content_type="application/json", CONTENT_LENGTH=length
    )

    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "bad_request"
    assert Group.objects.count() == 0


def _chunked_request(body: bytes) -> ASGIRequest:
    """An ASGI request with no Content-Length, as a chunked upload arrives."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/probe/groups",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
    }
    return ASGIRequest(scope, io.BytesIO(body))


def _echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.body)


def test_chunked_body_over_the_limit_is_refused_after_reading_one_byte_past_it() -> None:
    stream_body = b"y" * (LIMIT * 10)
    request = _chunked_request(stream_body)

    response = RequestBodyLimitMiddleware(_echo)(request)

    assert response.status_code == 413
    assert request._stream.tell() == LIMIT + 1


def test_chunked_body_within_the_limit_reaches_the_view_whole() -> None:
    body = _body_of_size(LIMIT)

    response = RequestBodyLimitMiddleware(_echo)(_chunked_request(body))

    assert isinstance(response, HttpResponse)
    assert response.status_code == 200
    assert response.content == body


def test_html_forms_are_left_to_django(settings: Settings) -> None:
    settings.ROOT_URLCONF = "config.urls"

    response = Client().post("/accounts/login/", {"login": "x" * (LIMIT * 2), "password": "y"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
