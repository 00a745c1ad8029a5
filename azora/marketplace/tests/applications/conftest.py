"""Helpers of the applications tests: a snapshot of everything an application use case may write, and events."""

from __future__ import annotations

from typing import Any

from azora.marketplace.models import Application, ApplicationTransition, Contract, Listing, Message
from azora.shared.models import OutboxEvent


def market_snapshot() -> dict[str, Any]:
    """Applications, their history and threads, listings' status and counts, contracts and marketplace events:
    equal before and after = nothing changed."""
    return {
        "applications": sorted(
            (str(row[0]), *row[1:])
            for row in Application.objects.values_list("id", "status", "decided_at", "cover_letter")
        ),
        "transitions": ApplicationTransition.objects.count(),
        "messages": Message.objects.count(),
        "listings": sorted(
            (str(row[0]), *row[1:]) for row in Listing.objects.values_list("id", "status", "application_count")
        ),
        "contracts": Contract.objects.count(),
        "events": OutboxEvent.objects.filter(event_type__startswith="marketplace.").count(),
    }


def events(event_type: str) -> list[dict[str, Any]]:
    """The payloads of the marketplace events of one type, oldest first, without their envelope fields."""
    return [
        {key: value for key, value in row.items() if key not in {"event_id", "occurred_at"}}
        for row in OutboxEvent.objects.filter(event_type=event_type)
        .order_by("occurred_at", "id")
        .values_list("payload", flat=True)
    ]
