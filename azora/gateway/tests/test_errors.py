"""The error envelope: every failure at the API edge is RFC 9457 problem+json with a stable code."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import Client

from azora.accounts.models import User

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    return body


@pytest.mark.usefixtures("probe_urls")
class TestOperationErrors:
    def test_wrong_types_name_each_field(self, jwt_client: Client) -> None:
        response = jwt_client.post(
            "/api/v1/probe/groups", {"name": 5, "count": "many"}, content_type="application/json"
        )

        body = _problem(response, 422)
        assert body["code"] == "validation_failed"
        assert body["errors"] == [
            {"field": "body.name", "message": "Input should be a valid string", "type": "string_type"},
            {
                "field": "body.count",
                "message": "Input should be a valid integer, unable to parse string as an integer",
                "type": "int_parsing",
            },
        ]
        assert body["detail"] == "Check these fields: body.name, body.count."
        assert Group.objects.count() == 0

    def test_unknown_and_missing_fields_are_named(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/groups", {"nmae": "x"}, content_type="application/json")

        body = _problem(response, 422)
        assert [(error["field"], error["type"]) for error in body["errors"]] == [
            ("body.name", "missing"),
            ("body.nmae", "extra_forbidden"),
        ]
        assert Group.objects.count() == 0

    def test_a_body_that_is_not_an_object_is_a_validation_error(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/groups", [1, 2], content_type="application/json")

        body = _problem(response, 422)
        assert [error["field"] for error in body["errors"]] == ["body"]

    @pytest.mark.parametrize("raw", [b'{"name": ', b"\xff\xfe not utf-8", b"{'name': 'single quotes'}"])
    def test_malformed_json_is_400(self, jwt_client: Client, raw: bytes) -> None:
        response = jwt_client.post("/api/v1/probe/groups", raw, content_type="application/json")

        body = _problem(response, 400)
        assert body["code"] == "malformed_json"
        assert body["title"] == "The request body is not valid JSON."
        assert Group.objects.count() == 0

    @pytest.mark.parametrize(
        "raw", [b'{"name": "a\\u0000b"}', b'{"name\\u0000": "x"}', b'{"name": "ok", "tags": ["\\u0000"]}']
    )
    def test_a_nul_character_in_any_string_is_400_before_anything_is_written(
        self, jwt_client: Client, raw: bytes
    ) -> None:
        response = jwt_client.post("/api/v1/probe/groups", raw, content_type="application/json")

        body = _problem(response, 400)
        assert body["code"] == "nul_character"
        assert body["title"] == "Text in the request body may not contain the NUL character (U+0000)."
        assert Group.objects.count() == 0

    def test_an_escaped_backslash_before_u0000_is_ordinary_text(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/groups", b'{"name": "C:\\\\u0000"}', content_type="application/json")

        assert response.status_code == 201
        assert Group.objects.get().name.startswith("C:\\u0000#")  # the probe appends a unique suffix

    def test_query_parameter_errors_name_the_parameter(self, jwt_client: Client) -> None:
        response = jwt_client.get("/api/v1/probe/groups?limit=0")

        body = _problem(response, 422)
        assert [error["field"] for error in body["errors"]] == ["query.limit"]

    def test_domain_error_keeps_its_status_code_detail_and_extra(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/quota", content_type="application/json")

        body = _problem(response, 409)
        assert body == {
            "type": "https://azora.dev/problems/quota-exceeded",
            "title": "The quota is used up.",
            "status": 409,
            "code": "quota_exceeded",
            "detail": "You have used 10 of 10.",
            "instance": "/api/v1/probe/quota",
            "request_id": response["X-Request-ID"],
            "limit": 10,
        }

    def test_unexpected_exception_is_500_without_any_of_its_text(
        self, jwt_client: Client, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.ERROR, logger="azora.gateway"):
            response = jwt_client.get("/api/v1/probe/crash")

        body = _problem(response, 500)
        assert body["code"] == "internal_error"
        assert body["request_id"] == response["X-Request-ID"]
        assert b"secret-internal-detail" not in response.content
        assert b"Traceback" not in response.content
        assert b"RuntimeError" not in response.content
        logged = [record for record in caplog.records if record.name == "azora.gateway"]
        assert len(logged) == 1
        assert logged[0].exc_info is not None
        assert str(logged[0].exc_info[1]) == "secret-internal-detail"

    @pytest.mark.parametrize("path", ["/api/v1/probe/missing-object", "/api/v1/probe/missing-http404"])
    def test_missing_objects_are_404_not_found(self, jwt_client: Client, path: str) -> None:
        response = jwt_client.get(path)

        body = _problem(response, 404)
        assert body["code"] == "not_found"
        assert body["detail"] == "Not found."
        assert b"secret-internal-detail" not in response.content

    def test_unknown_method_is_405_with_allow(self, jwt_client: Client) -> None:
        response = jwt_client.put("/api/v1/probe/groups", {}, content_type="application/json")

        body = _problem(response, 405)
        assert body["code"] == "method_not_allowed"
        assert sorted(response["Allow"].split(", ")) == ["GET", "POST"]

    def test_unknown_api_path_is_404_problem(self, jwt_client: Client) -> None:
        body = _problem(jwt_client.get("/api/v1/no/such/endpoint"), 404)

        assert body["code"] == "not_found"
        assert body["instance"] == "/api/v1/no/such/endpoint"

    def test_error_outside_ninja_under_api_is_500_problem(self, user: User) -> None:
        response = Client(raise_request_exception=False).get("/api/v1/django-crash")

        body = _problem(response, 500)
        assert body["code"] == "internal_error"
        assert b"secret-internal-detail" not in response.content

    def test_error_outside_api_is_djangos_html_500(self) -> None:
        response = Client(raise_request_exception=False).get("/html/django-crash")

        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        assert b"secret-internal-detail" not in response.content

    def test_operations_without_auth_still_answer(self) -> None:
        response = Client().get("/api/v1/probe/public")

        assert response.status_code == 200
        assert response.json() == {"ok": True}


class TestRealApi:
    def test_unknown_api_path_is_404_problem(self) -> None:
        body = _problem(Client().get("/api/v1/definitely-not-an-endpoint"), 404)

        assert body["code"] == "not_found"

    def test_a_disallowed_host_under_api_is_a_400_problem(self) -> None:
        body = _problem(Client(HTTP_HOST="evil.example").get("/api/v1/openapi.json"), 400)

        assert body["code"] == "bad_request"

    def test_a_disallowed_host_outside_api_is_html(self) -> None:
        response = Client(HTTP_HOST="evil.example").get("/")

        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")

    def test_unknown_page_outside_api_is_html(self) -> None:
        response = Client().get("/definitely-not-a-page/")

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_openapi_is_served_without_credentials(self) -> None:
        response = Client().get("/api/v1/openapi.json")

        assert response.status_code == 200
        schema = response.json()
        assert schema["info"]["title"] == "Azora API"
        assert "/api/v1/me" in schema["paths"]

    def test_docs_ui_is_served_from_vendored_assets_under_the_sites_strict_policy(self) -> None:
        response = Client().get("/api/v1/docs")

        assert response.status_code == 200
        html = response.content.decode()
        assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
        assert '<script src="/static/ninja/swagger-ui-init.js">' in html
        assert "cdn" not in html.lower()
        assert finders.find("ninja/swagger-ui-bundle.js") is not None
        assert finders.find("ninja/swagger-ui-init.js") is not None
        assert finders.find("ninja/swagger-ui.css") is not None
        policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"].split()[0] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["connect-src"] == "'self'"
        assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.usefixtures("probe_urls")
class TestOperationsWithoutABody:
    @pytest.mark.parametrize("raw", [b"", b"{}", b"null", b"  "])
    def test_an_empty_body_is_accepted(self, jwt_client: Client, raw: bytes) -> None:
        response = jwt_client.post("/api/v1/probe/touch", raw, content_type="application/json")

        assert response.status_code == 201
        assert Group.objects.count() == 1

    def test_fields_sent_to_an_operation_without_a_body_are_refused(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/touch", {"force": True}, content_type="application/json")

        body = _problem(response, 422)
        assert body["errors"] == [
            {"field": "body.force", "message": "This operation takes no request body.", "type": "extra_forbidden"}
        ]
        assert Group.objects.count() == 0

    def test_a_list_sent_to_an_operation_without_a_body_is_refused(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/touch", [1], content_type="application/json")

        assert [error["field"] for error in _problem(response, 422)["errors"]] == ["body"]
        assert Group.objects.count() == 0

    def test_malformed_json_sent_to_an_operation_without_a_body_is_400(self, jwt_client: Client) -> None:
        response = jwt_client.post("/api/v1/probe/touch", b"{nope", content_type="application/json")

        assert _problem(response, 400)["code"] == "malformed_json"
        assert Group.objects.count() == 0

    def test_authentication_is_still_checked_first(self) -> None:
        response = Client().post("/api/v1/probe/touch", b"{nope", content_type="application/json")

        assert _problem(response, 401)["code"] == "not_authenticated"


def test_every_operation_documents_the_problem_envelope() -> None:
    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")

    assert schema["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "code", "detail"]
    operations = [operation for item in schema["paths"].values() for operation in item.values()]
    assert operations
    for operation in operations:
        assert operation["responses"]["default"]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
