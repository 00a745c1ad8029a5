"""`dispatch_outbox`: dispatches pending outbox events in this process, for operators when workers are down."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from azora.shared.events import dispatch_event, dispatch_pending_events


class Command(BaseCommand):
    help = "Dispatch pending outbox events now, in this process (or one event with --event)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--event", help="dispatch only this event id")
        parser.add_argument("--limit", type=int, default=500, help="most events to dispatch (default: %(default)s)")

    def handle(self, *args: Any, event: str | None, limit: int, **options: Any) -> None:
        if event is not None:
            try:
                event_id = uuid.UUID(event)
            except ValueError as error:
                raise CommandError(f"{event!r} is not an event id.") from error
            status = dispatch_event(event_id)
            if status is None:
                raise CommandError(f"No outbox event {event_id}.")
            self.stdout.write(f"{event_id}: {status}")
            return
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        outcomes = dispatch_pending_events(limit=limit)
        summary = ", ".join(f"{status} {count}" for status, count in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"Dispatched: {summary}")
