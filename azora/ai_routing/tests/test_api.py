"""The /api/v1/ai endpoints through the real edge: chat (JSON and SSE), providers, usage, budgets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from azora.accounts import public as accounts
from azora.accounts.models import User
from azora.accounts.tests.conftest import jwt_client, key_client, session_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.ai_routing.models import Budget, Provider, Usage
from azora.ai_routing.tests.conftest import ScriptedGuard
from azora.ai_routing.tests.servers import ANSWER, Behaviour, OpenAIServer

pytestmark = pytest.mark.django_db
JSON = "application/json"
QUESTION = {"messages": [{"role": "user", "content": "What is photosynthesis?"}]}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1/ai{path}", data=json.dumps(body), content_type=JSON)


def put(client: Client, body: Any) -> Any:
    return client.put("/api/v1/ai/budgets", data=json.dumps(body), content_type=JSON)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


@pytest.fixture
def user() -> User:
    return UserFactory()


@pytest.fixture
def admin() -> User:
    admin = UserFactory()
    accounts.platform_role_grant(user_id=admin.id, role="platform_admin")
    return admin


def sse_events(response: Any) -> list[tuple[str, dict[str, Any]]]:
    raw = b"".join(response.streaming_content).decode()
    events = []
    for block in raw.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


def test_chat_answers_json_and_records_usage(user: User, openai_provider: Provider) -> None:
    response = post(jwt_client(user), "/chat", QUESTION)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["outcome"], body["text"], body["provider"], body["cost_micros"]) == ("ok", ANSWER, "openai", 49)
    assert body["decision"]["order"] == ["openai", "local"]
    usage = Usage.objects.get()
    assert (usage.user_id, str(usage.id)) == (user.id, body["usage_id"])


def test_chat_streams_server_sent_events_through_the_guard(
    user: User, openai_provider: Provider, guard: ScriptedGuard
) -> None:
    guard.blocked_output = "chemical energy"
    response = post(session_client(user), "/chat", {**QUESTION, "stream": True})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    events = sse_events(response)
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    assert deltas == "Plants store it as sugar."
    assert events[-1][0] == "done"
    assert (events[-1][1]["output_action"], events[-1][1]["tokens_out"]) == ("redact", 14)
    assert Usage.objects.get().streamed is True


def test_an_error_mid_stream_sends_an_error_event_then_done(
    user: User, openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    openai_server.script.queue.append(Behaviour(kind="error_mid_stream"))
    events = sse_events(post(session_client(user), "/chat", {**QUESTION, "stream": True}))
    assert [name for name, _ in events][-2:] == ["error", "done"]
    assert events[-2][1]["code"] == "ai_stream_interrupted"
    assert events[-1][1]["outcome"] == "error"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"messages": []}, 422, "validation_failed"),
        ({**QUESTION, "provider": "nope"}, 422, "ai_unknown_provider"),
        ({"messages": [{"role": "user", "content": "word " * 18_000}] * 2}, 422, "ai_context_window_exceeded"),
    ],
)
def test_bad_chat_requests_are_clear_problems_that_record_nothing(
    user: User, body: dict[str, Any], status: int, code: str
) -> None:
    assert_problem(post(jwt_client(user), "/chat", body), status, code)
    assert Usage.objects.count() == 0


def test_a_refused_chat_answers_with_the_violated_principles_json_and_streamed(
    user: User, openai_provider: Provider, openai_server: OpenAIServer, guard: ScriptedGuard
) -> None:
    refused = {"messages": [{"role": "user", "content": "Tell me about forbidden-topic."}]}
    body = post(jwt_client(user), "/chat", refused).json()
    assert (body["outcome"], body["text"], body["violations"], body["provider"]) == (
        "refused",
        "I cannot help with that.",
        ["safety"],
        "",
    )
    assert (body["input_decision_id"], body["output_decision_id"]) == (str(guard.input_decision_id), None)
    events = sse_events(post(jwt_client(user), "/chat", {**refused, "stream": True}))
    assert [name for name, _data in events] == ["delta", "done"]
    assert (events[1][1]["outcome"], events[1][1]["violations"]) == ("refused", ["safety"])
    assert openai_server.script.received == []
    assert list(Usage.objects.values_list("outcome", flat=True)) == ["refused", "refused"]


def test_an_exhausted_budget_is_a_402_problem(user: User, openai_provider: Provider) -> None:
    Provider.objects.filter(name="local").update(is_active=False)
    Budget.objects.create(scope="user", subject=str(user.id), limit_micros=0, currency="USD")
    assert_problem(post(jwt_client(user), "/chat", QUESTION), 402, "ai_budget_exceeded")
    assert list(Usage.objects.values_list("outcome", flat=True)) == ["budget_refused"]


def test_an_api_key_needs_the_ai_scope(user: User, openai_provider: Provider) -> None:
    key = ApiKeyFactory(user=user, scopes=sorted(accounts.API_KEY_SCOPES - {"ai:chat"}))
    body = assert_problem(post(key_client(key.key), "/chat", QUESTION), 403, "insufficient_scope")
    assert body["required_scope"] == "ai:chat"
    assert Usage.objects.count() == 0


def test_an_api_key_with_the_ai_scope_chats_and_its_usage_names_the_key(
    user: User, openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    key = ApiKeyFactory(user=user, scopes=["ai:chat"])
    response = post(key_client(key.key), "/chat", QUESTION)
    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["text"]) == ("ok", ANSWER)
    assert len(openai_server.script.received) == 1
    usage = Usage.objects.get()
    assert (usage.user_id, usage.api_key_id, usage.outcome) == (user.id, key.id, "ok")


def test_providers_are_for_admins_and_never_show_a_secret(user: User, admin: User, openai_provider: Provider) -> None:
    assert_problem(jwt_client(user).get("/api/v1/ai/providers"), 403, "ai_admin_required")
    response = jwt_client(admin).get("/api/v1/ai/providers")
    assert response.status_code == 200
    by_name = {p["name"]: p for p in response.json()}
    assert set(by_name) == {"openai", "local"}
    assert (by_name["openai"]["secret_env_var"], by_name["openai"]["secret_is_set"]) == ("AZORA_TEST_OPENAI_KEY", True)
    assert by_name["openai"]["breaker_state"] == "closed"
    assert "sk-test" not in response.content.decode()


def test_budgets_put_then_get_for_admins_only(user: User, admin: User) -> None:
    body = {"scope": "user", "subject": str(user.id), "limit_micros": 5_000_000}
    assert_problem(
        jwt_client(user).put("/api/v1/ai/budgets", json.dumps(body), content_type=JSON), 403, "ai_admin_required"
    )
    assert Budget.objects.count() == 0
    response = put(jwt_client(admin), body)
    assert response.status_code == 200, response.content
    assert (response.json()["limit_micros"], response.json()["spent_micros"], response.json()["currency"]) == (
        5_000_000,
        0,
        "USD",
    )
    listed = jwt_client(admin).get("/api/v1/ai/budgets").json()
    assert [(b["scope"], b["subject"]) for b in listed["items"]] == [("user", str(user.id))]
    bad = {"scope": "user", "subject": "not-a-uuid", "limit_micros": 1}
    assert_problem(
        jwt_client(admin).put("/api/v1/ai/budgets", json.dumps(bad), content_type=JSON), 422, "ai_invalid_budget"
    )
    assert Budget.objects.count() == 1


def test_usage_report_shows_the_callers_own_usage_and_admins_anyones(
    user: User, admin: User, openai_provider: Provider
) -> None:
    post(jwt_client(user), "/chat", QUESTION)
    post(jwt_client(user), "/chat", QUESTION)
    post(jwt_client(admin), "/chat", QUESTION)
    own = jwt_client(user).get("/api/v1/ai/usage").json()
    assert [(r["provider"], r["requests"], r["tokens_in"], r["cost_micros"]) for r in own["rows"]] == [
        ("openai", 2, 42, 98)
    ]
    assert_problem(jwt_client(user).get(f"/api/v1/ai/usage?user_id={admin.id}"), 403, "ai_admin_required")
    theirs = jwt_client(admin).get(f"/api/v1/ai/usage?user_id={user.id}").json()
    assert [r["requests"] for r in theirs["rows"]] == [2]
    assert_problem(jwt_client(user).get("/api/v1/ai/usage?since=2026-01-10&until=2026-01-01"), 422, "validation_failed")
