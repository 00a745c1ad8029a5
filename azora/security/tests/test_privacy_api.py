"""The data-protection API: /me/data-export, /me/deletion-request, /me/consents and the admins' review."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from azora.accounts.tests.factories import ApiKeyFactory
from azora.security import data_protection
from azora.security.models import ConsentRecord, DataExport, DeletionRequest
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_privacy import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Any:
    return UserFactory(display_name="Thandi")


@pytest.fixture
def client_of(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def blocker() -> Iterator[None]:
    data_protection.blocker_register("testdispute", lambda user_id: "You have an open dispute.")
    yield
    data_protection.hook_unregister("testdispute")


def test_a_person_asks_for_their_data_and_downloads_it(
    client_of: Client, person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of.post("/api/v1/me/data-export", {}, content_type="application/json")

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["download_url"]) == ("pending", None)
    (listed,) = client_of.get("/api/v1/me/data-exports").json()["items"]
    assert listed["status"] == "ready"
    download = client_of.get(listed["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert download["Cache-Control"] == "no-store"
    assert json.loads(download.content)["user_id"] == str(person.pk)


def test_someone_elses_export_is_a_404_problem(client_of: Client, django_capture_on_commit_callbacks: Any) -> None:
    other = UserFactory()
    other_client = Client()
    other_client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        export_id = other_client.post("/api/v1/me/data-export", {}, content_type="application/json").json()["id"]

    response = client_of.get(f"/api/v1/me/data-exports/{export_id}/download")

    assert (response.status_code, response.json()["code"]) == (404, "data_export_not_found")


def test_signed_out_callers_and_api_keys_are_refused(person: Any) -> None:
    assert Client().post("/api/v1/me/data-export", {}, content_type="application/json").status_code == 401
    key = ApiKeyFactory(user=person).key  # every scope an API key can hold
    response = Client().post(
        "/api/v1/me/data-export", {}, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 403
    assert DataExport.objects.count() == 0


def test_a_deletion_request_is_created_and_withdrawn(client_of: Client) -> None:
    created = client_of.post("/api/v1/me/deletion-request", {"reason": "moving on"}, content_type="application/json")

    assert created.status_code == 201
    assert (created.json()["status"], created.json()["reason"]) == ("pending", "moving on")
    again = client_of.post("/api/v1/me/deletion-request", {}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "deletion_request_open")
    cancelled = client_of.post(
        f"/api/v1/me/deletion-requests/{created.json()['id']}/cancel", {}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"
    assert [item["status"] for item in client_of.get("/api/v1/me/deletion-requests").json()["items"]] == ["cancelled"]


def test_a_blocked_deletion_is_a_409_listing_why_and_saves_nothing(client_of: Client, blocker: None) -> None:
    response = client_of.post("/api/v1/me/deletion-request", {}, content_type="application/json")

    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["blockers"]) == ("deletion_blocked", ["You have an open dispute."])
    assert DeletionRequest.objects.count() == 0


def test_an_admin_reviews_requests(person: Any, client_of: Client, django_capture_on_commit_callbacks: Any) -> None:
    request_id = client_of.post("/api/v1/me/deletion-request", {}, content_type="application/json").json()["id"]
    admin = Client()
    admin.force_login(operator())

    (listed,) = admin.get("/api/v1/privacy/deletion-requests").json()["items"]
    assert (listed["id"], listed["user_label"]) == (request_id, "Thandi")
    refused = admin.post(
        f"/api/v1/privacy/deletion-requests/{request_id}/review", {"approve": False}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_deletion_review")
    assert DeletionRequest.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        approved = admin.post(
            f"/api/v1/privacy/deletion-requests/{request_id}/review",
            {"approve": True, "note": "ok"},
            content_type="application/json",
        )
    assert approved.json()["status"] == "completed"


def test_only_platform_admins_review(client_of: Client) -> None:
    request_id = client_of.post("/api/v1/me/deletion-request", {}, content_type="application/json").json()["id"]

    listed = client_of.get("/api/v1/privacy/deletion-requests")
    reviewed = client_of.post(
        f"/api/v1/privacy/deletion-requests/{request_id}/review", {"approve": True}, content_type="application/json"
    )

    assert (listed.status_code, reviewed.status_code) == (403, 403)
    assert DeletionRequest.objects.get().status == "pending"


def test_consents_are_recorded_with_the_address_and_listed(client_of: Client) -> None:
    response = client_of.post(
        "/api/v1/me/consents",
        {"purpose": "marketing_email", "version": "2026-01", "granted": True},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.8",
    )

    assert response.status_code == 201
    assert ConsentRecord.objects.get().ip == "203.0.113.8"
    body = client_of.get("/api/v1/me/consents").json()
    assert [(item["purpose"], item["granted"]) for item in body["items"]] == [("marketing_email", True)]
    assert {purpose["purpose"] for purpose in body["purposes"]} == {
        "marketing_email",
        "product_analytics",
        "ai_personalisation",
    }


def test_an_unknown_consent_purpose_is_a_problem_and_saves_nothing(client_of: Client) -> None:
    response = client_of.post(
        "/api/v1/me/consents", {"purpose": "nope", "version": "1", "granted": True}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, "invalid_consent")
    assert ConsentRecord.objects.count() == 0
