"""IdempotencyMiddleware: one run per caller and key, the first response replayed byte for byte."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Group
from django.db import connection
from django.test import AsyncClient, Client, RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.gateway import services
from azora.gateway.auth import credential_scope
from azora.gateway.models import IdempotencyRecord
from azora.gateway.tests import probe
from azora.gateway.tests.conftest import access_token_for
from azora.gateway.tests.factories import IdempotencyRecordFactory

pytestmark = pytest.mark.usefixtures("probe_urls")

GROUPS = "/api/v1/probe/groups"


def _post(client: Client, path: str, body: Any, key: str | None = "key-1", **extra: Any) -> Any:
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, body, content_type="application/json", **extra)


def _names() -> list[str]:
    """The groups the probe created, without the random suffix that keeps their names unique."""
    return sorted(name.split("#")[0] for name in Group.objects.values_list("name", flat=True))


def _code(response: Any) -> str:
    assert response["Content-Type"] == "application/problem+json"
    return str(json.loads(response.content)["code"])


@pytest.mark.django_db
class TestSequentialSemantics:
    def test_a_repeat_replays_the_first_response_without_running_again(self, jwt_client: Client) -> None:
        first = _post(jwt_client, GROUPS, {"name": "alpha"})
        second = _post(jwt_client, GROUPS, {"name": "alpha"})

        assert first.status_code == second.status_code == 201
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["Idempotent-Replayed"] == "true"
        assert not first.has_header("Idempotent-Replayed")
        assert _names() == ["alpha"]
        record = IdempotencyRecord.objects.get()
        assert (record.state, record.response_status, record.method, record.path) == (
            "completed",
            201,
            "POST",
            GROUPS,
        )
        assert record.expires_at - record.created_at == timedelta(hours=24)

    def test_a_replay_carries_its_own_request_id(self, jwt_client: Client) -> None:
        first = _post(jwt_client, GROUPS, {"name": "alpha"})
        second = _post(jwt_client, GROUPS, {"name": "alpha"})

        assert second["X-Request-ID"] != first["X-Request-ID"]

    def test_same_key_with_another_body_is_422_and_changes_nothing(self, jwt_client: Client) -> None:
        _post(jwt_client, GROUPS, {"name": "alpha"})

        response = _post(jwt_client, GROUPS, {"name": "beta"})

        assert response.status_code == 422
        assert _code(response) == "idempotency_key_reused"
        assert _names() == ["alpha"]
        assert IdempotencyRecord.objects.count() == 1

    def test_same_key_on_another_path_is_422(self, jwt_client: Client) -> None:
        _post(jwt_client, GROUPS, {"name": "alpha"})

        response = _post(jwt_client, "/api/v1/probe/quota", {"name": "alpha"})

        assert response.status_code == 422
        assert _code(response) == "idempotency_key_reused"

    def test_keys_are_scoped_to_the_caller(self, jwt_client: Client) -> None:
        other = Client(HTTP_AUTHORIZATION=f"Bearer {access_token_for(UserFactory())}")

        first = _post(jwt_client, GROUPS, {"name": "alpha"})
        second = _post(other, GROUPS, {"name": "alpha"})

        assert first.status_code == second.status_code == 201
        assert not second.has_header("Idempotent-Replayed")
        assert Group.objects.count() == 2

    def test_a_new_access_token_of_the_same_user_shares_the_scope(self, user: User) -> None:
        first = _post(Client(HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}"), GROUPS, {"name": "alpha"})
        second = _post(Client(HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}"), GROUPS, {"name": "alpha"})

        assert second.content == first.content
        assert second["Idempotent-Replayed"] == "true"
        assert Group.objects.count() == 1

    def test_a_validation_error_is_stored_and_replayed(self, jwt_client: Client) -> None:
        first = _post(jwt_client, GROUPS, {"name": 5})
        second = _post(jwt_client, GROUPS, {"name": 5})
        corrected = _post(jwt_client, GROUPS, {"name": "five"})

        assert first.status_code == second.status_code == 422
        assert _code(first) == "validation_failed"
        assert second["Idempotent-Replayed"] == "true"
        assert json.loads(second.content)["errors"] == json.loads(first.content)["errors"]
        assert _code(corrected) == "idempotency_key_reused"
        assert Group.objects.count() == 0

    def test_a_server_error_releases_the_key_for_a_retry(self, jwt_client: Client) -> None:
        failed = _post(jwt_client, "/api/v1/probe/flaky-groups", {"name": "alpha"})
        assert failed.status_code == 500
        assert IdempotencyRecord.objects.count() == 0
        Group.objects.create(name="ready")

        retried = _post(jwt_client, "/api/v1/probe/flaky-groups", {"name": "alpha"})

        assert retried.status_code == 201
        assert not retried.has_header("Idempotent-Replayed")
        assert _names() == ["alpha", "ready"]

    def test_an_authentication_failure_is_not_stored(self, db: None) -> None:
        response = _post(Client(), GROUPS, {"name": "alpha"})

        assert response.status_code == 401
        assert IdempotencyRecord.objects.count() == 0

    def test_a_csrf_failure_is_not_stored(self, user: User) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)

        response = _post(client, GROUPS, {"name": "alpha"})

        assert response.status_code == 403
        assert IdempotencyRecord.objects.count() == 0

    def test_session_callers_are_scoped_by_user(self, user: User) -> None:
        client = Client()
        client.force_login(user)

        first = _post(client, GROUPS, {"name": "alpha"})
        second = _post(client, GROUPS, {"name": "alpha"})

        assert second["Idempotent-Replayed"] == "true"
        assert second.content == first.content
        assert Group.objects.count() == 1

    def test_requests_without_a_key_are_not_recorded(self, jwt_client: Client) -> None:
        _post(jwt_client, GROUPS, {"name": "alpha"}, key=None)
        _post(jwt_client, GROUPS, {"name": "alpha"}, key=None)

        assert Group.objects.count() == 2
        assert IdempotencyRecord.objects.count() == 0

    def test_safe_methods_ignore_the_key(self, jwt_client: Client) -> None:
        response = jwt_client.get(GROUPS, HTTP_IDEMPOTENCY_KEY="key-1")

        assert response.status_code == 200
        assert IdempotencyRecord.objects.count() == 0

    @pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
    def test_a_malformed_key_is_400_and_changes_nothing(self, jwt_client: Client, key: str) -> None:
        response = _post(jwt_client, GROUPS, {"name": "alpha"}, key=key)

        assert response.status_code == 400
        assert _code(response) == "invalid_idempotency_key"
        assert Group.objects.count() == 0
        assert IdempotencyRecord.objects.count() == 0

    def test_the_longest_key_is_accepted(self, jwt_client: Client) -> None:
        response = _post(jwt_client, GROUPS, {"name": "alpha"}, key="k" * 255)

        assert response.status_code == 201

    def test_a_request_still_in_progress_is_409(self, jwt_client: Client, user: User, settings: Settings) -> None:
        settings.AZORA_IDEMPOTENCY_WAIT_SECONDS = 0
        token_request = RequestFactory().post(GROUPS, HTTP_AUTHORIZATION=jwt_client.defaults["HTTP_AUTHORIZATION"])
        body = json.dumps({"name": "alpha"}).encode()
        IdempotencyRecordFactory(
            scope=credential_scope(token_request),
            key="key-1",
            state=IdempotencyRecord.State.IN_PROGRESS,
            response_status=None,
            response_body=None,
            request_hash=hashlib.sha256(body).hexdigest(),
        )

        response = jwt_client.post(GROUPS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-1")

        assert response.status_code == 409
        assert _code(response) == "idempotency_request_in_progress"
        assert response["Retry-After"] == "1"
        assert Group.objects.count() == 0

    def test_the_stored_body_is_sealed_at_rest(self, jwt_client: Client) -> None:
        first = _post(jwt_client, GROUPS, {"name": "alpha"})

        stored = bytes(IdempotencyRecord.objects.get().response_body or b"")
        assert first.content not in stored
        assert b"alpha" not in stored

    def test_a_record_sealed_under_a_rotated_secret_is_treated_as_expired(
        self, jwt_client: Client, settings: Settings
    ) -> None:
        _post(jwt_client, GROUPS, {"name": "alpha"})
        settings.SECRET_KEY = "a-rotated-secret-key-for-this-test-only-0123456789"

        response = _post(jwt_client, GROUPS, {"name": "alpha"})

        assert response.status_code == 201
        assert not response.has_header("Idempotent-Replayed")
        assert Group.objects.count() == 2
        assert IdempotencyRecord.objects.count() == 1

    def test_a_claim_abandoned_by_a_dead_process_is_taken_over(self, jwt_client: Client) -> None:
        token_request = RequestFactory().post(GROUPS, HTTP_AUTHORIZATION=jwt_client.defaults["HTTP_AUTHORIZATION"])
        body = json.dumps({"name": "alpha"}).encode()
        IdempotencyRecordFactory(
            scope=credential_scope(token_request),
            key="key-1",
            state=IdempotencyRecord.State.IN_PROGRESS,
            response_status=None,
            response_body=None,
            request_hash=hashlib.sha256(body).hexdigest(),
            created_at=timezone.now() - services.IN_PROGRESS_LEASE - timedelta(seconds=1),
        )

        response = jwt_client.post(GROUPS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-1")

        assert response.status_code == 201
        assert Group.objects.count() == 1
        assert IdempotencyRecord.objects.get().state == "completed"

    def test_an_expired_key_runs_the_request_afresh(self, jwt_client: Client) -> None:
        _post(jwt_client, GROUPS, {"name": "alpha"})
        IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

        response = _post(jwt_client, GROUPS, {"name": "alpha"})

        assert response.status_code == 201
        assert not response.has_header("Idempotent-Replayed")
        assert Group.objects.count() == 2
        assert IdempotencyRecord.objects.get().expires_at > timezone.now()


@pytest.mark.django_db
def test_purge_removes_only_expired_records() -> None:
    now = timezone.now()
    IdempotencyRecordFactory.create_batch(3, created_at=now - timedelta(hours=25))
    kept = IdempotencyRecordFactory(created_at=now - timedelta(hours=1))

    deleted = services.purge_expired_idempotency_records(now=now)

    assert deleted == 3
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_run_the_side_effect_once(user: User) -> None:
    """The second request arrives while the first is inside its side effect; it waits and replays."""
    token = access_token_for(user)
    probe.slow_entered.clear()
    probe.slow_release.clear()
    responses: dict[str, Any] = {}

    def send(name: str) -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            responses[name] = _post(client, "/api/v1/probe/slow-groups", {"name": "once"})
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert probe.slow_entered.wait(timeout=30)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    # The second request now finds the key claimed and polls; let the first finish its side effect.
    second.join(timeout=0.5)
    probe.slow_release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert responses["first"].status_code == responses["second"].status_code == 201
    assert responses["second"].content == responses["first"].content
    assert responses["second"]["Idempotent-Replayed"] == "true"
    assert _names() == ["once"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_requests_with_one_key_run_the_side_effect_once(user: User) -> None:
    """Eight requests released together: exactly one runs; the rest replay its response."""
    token = access_token_for(user)
    probe.slow_entered.clear()
    probe.slow_release.set()
    barrier = threading.Barrier(8)
    responses: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait(timeout=30)
            response = _post(client, "/api/v1/probe/slow-groups", {"name": "once"})
            with lock:
                responses.append(response)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(response.status_code for response in responses) == [201] * 8
    assert len({response.content for response in responses}) == 1
    assert sum(not response.has_header("Idempotent-Replayed") for response in responses) == 1
    assert Group.objects.count() == 1


@pytest.mark.django_db
def test_the_asgi_stack_replays_too(user: User) -> None:
    """Through Django's ASGI handler (as `azora serve` runs it), where the gateway's middleware is adapted."""
    headers = {"Authorization": f"Bearer {access_token_for(user)}", "Idempotency-Key": "asgi-1"}
    post = async_to_sync(AsyncClient().post)

    first = post(GROUPS, {"name": "alpha"}, content_type="application/json", headers=headers)
    second = post(GROUPS, {"name": "alpha"}, content_type="application/json", headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Group.objects.count() == 1
