"""AI Routing's data protection: the person's usage rows are exported, and only theirs."""

from __future__ import annotations

import uuid

import pytest

from azora.ai_routing.models import Usage
from azora.ai_routing.privacy import export_ai_routing_data

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_usage_only() -> None:
    person = uuid.uuid4()
    Usage.objects.create(user_id=person, provider="offline", model="tiny", tokens_in=12, tokens_out=30, currency="ZAR")
    Usage.objects.create(user_id=uuid.uuid4(), provider="offline", model="tiny", currency="ZAR")

    rows = export_ai_routing_data(person)["usage"]

    assert [(row["provider"], row["tokens_in"], row["tokens_out"]) for row in rows] == [("offline", 12, 30)]
