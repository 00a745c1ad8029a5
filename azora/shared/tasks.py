"""Shared Services' background tasks: dispatching an outbox event to its subscribers."""

from __future__ import annotations

import uuid

from django.tasks import task

from azora.shared.events import dispatch_event


@task()
def dispatch_event_task(event_id: str) -> str | None:
    """Takes only the event id and re-reads the event; running it twice handles nothing twice."""
    return dispatch_event(uuid.UUID(event_id))
