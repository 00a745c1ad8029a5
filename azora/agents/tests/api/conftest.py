"""Fixtures of the agents API tests: the orchestrator's (roster, plans, a classroom, a fake external provider), the
snapshot that proves a refused request changed nothing, and an event-stream reader."""

from __future__ import annotations

import json
from typing import Any

from azora.agents.models import Conversation, MemoryItem, Message, MessageFeedback, OversightConsent
from azora.agents.tests.core.conftest import (  # noqa: F401 -- fixtures shared with the orchestrator's tests
    _clean_router,
    catalogue,
    external,
    openai_server,
    room,
    roster,
)
from azora.ai_routing.models import Usage
from azora.shared.models import OutboxEvent


def agents_snapshot() -> dict[str, Any]:
    """Every agents row a request could write, plus AI usage and the outbox: equal before and after = nothing."""
    return {
        "conversations": sorted(
            Conversation.objects.values_list("id", "user_id", "message_count", "title", "flagged_at"), key=str
        ),
        "messages": sorted(Message.objects.values_list("id", "content", "status"), key=str),
        "feedback": sorted(MessageFeedback.objects.values_list("id", "is_helpful", "reason", "comment"), key=str),
        "memory": sorted(MemoryItem.objects.values_list("id", "kind", "text"), key=str),
        "consent": sorted(OversightConsent.objects.values_list("id", "user_id"), key=str),
        "usage": Usage.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


def events_of(response: Any) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a text/event-stream response, in order."""
    body = b"".join(response.streaming_content).decode()
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body
