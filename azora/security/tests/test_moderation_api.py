"""The moderation API: people report content (202, nothing revealed), platform admins list and decide."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from azora.security.models import AuditRecord, ModerationCase
from azora.security.moderation_queue import source_unregister
from azora.security.public import register_moderation_handler
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_events import platform_admin

pytestmark = pytest.mark.django_db

SOURCE = "test.comment"
FLAGS = "/api/v1/moderation/flags"
CASES = "/api/v1/moderation/cases"


@pytest.fixture
def removed() -> Iterator[list[str]]:
    """A content source whose removals the test can see."""
    gone: list[str] = []

    def apply(object_id: str, decision: str) -> None:
        if decision == "remove":
            gone.append(object_id)

    register_moderation_handler(
        SOURCE, apply, excerpt=lambda object_id, reporter: {"c1": "You are all idiots"}.get(object_id)
    )
    yield gone
    source_unregister(SOURCE)


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, path: str, body: object) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_report_then_an_operator_removes_the_content(removed: list[str]) -> None:
    reporter = _signed_in(UserFactory())
    response = _post(reporter, FLAGS, {"source": SOURCE, "object_id": "c1", "reason": "Abusive"})
    assert (response.status_code, response.json()) == (202, {"received": True})

    operator = _signed_in(platform_admin())
    listed = operator.get(CASES).json()
    assert [(c["source"], c["object_id"], c["excerpt"], c["reports"]) for c in listed["items"]] == [
        (SOURCE, "c1", "You are all idiots", 1)
    ]
    case_id = listed["items"][0]["id"]
    decided = _post(operator, f"{CASES}/{case_id}/decision", {"decision": "remove", "note": "Abuse"})
    assert decided.status_code == 200
    assert decided.json()["status"] == "removed"
    assert removed == ["c1"]
    assert AuditRecord.objects.get().action == "security.moderation_removed"
    again = _post(operator, f"{CASES}/{case_id}/decision", {"decision": "keep", "note": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "moderation_case_closed")


def test_bad_reports_are_problems_and_save_nothing(removed: list[str]) -> None:
    reporter = _signed_in(UserFactory())
    unknown = _post(reporter, FLAGS, {"source": "nope", "object_id": "c1", "reason": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_moderation_flag")
    missing = _post(reporter, FLAGS, {"source": SOURCE, "object_id": "c404", "reason": "x"})
    assert (missing.status_code, missing.json()["code"]) == (404, "moderation_content_not_found")
    assert _post(reporter, FLAGS, {"source": SOURCE}).status_code == 422
    assert ModerationCase.objects.count() == 0


def test_anonymous_cannot_report_and_people_cannot_work_the_queue(removed: list[str]) -> None:
    assert _post(Client(), FLAGS, {"source": SOURCE, "object_id": "c1", "reason": "x"}).status_code == 401
    person = _signed_in(UserFactory())
    assert person.get(CASES).status_code == 403
    decision = _post(person, f"{CASES}/{uuid.uuid4()}/decision", {"decision": "keep", "note": "x"})
    assert decision.status_code == 403
    assert ModerationCase.objects.count() == 0


def test_an_operator_gets_problems_for_bad_decisions_and_unknown_cases() -> None:
    operator = _signed_in(platform_admin())
    unknown = _post(operator, f"{CASES}/{uuid.uuid4()}/decision", {"decision": "keep", "note": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "moderation_case_not_found")
    bad = _post(operator, f"{CASES}/{uuid.uuid4()}/decision", {"decision": "delete", "note": "x"})
    assert bad.status_code == 422
    status = operator.get(CASES, {"status": "pending"})
    assert (status.status_code, status.json()["code"]) == (422, "invalid_moderation_flag")
