"""The decisions operators review: those that refused, redacted or revised a text, or would have blocked it."""

from __future__ import annotations

import pytest

import azora.constitution.public as constitution
from azora.constitution.models import DecisionRecord

pytestmark = pytest.mark.django_db


def decision(action: str, *, passed: bool = True, would_block: bool = False) -> DecisionRecord:
    return DecisionRecord.objects.create(
        role="output", profile="STANDARD", surface="guard", action=action, score=100, passed=passed,
        would_block=would_block, input_sha256="a" * 64, output_sha256="b" * 64, latency_us=5,
    )  # fmt: skip


def test_only_decisions_that_changed_or_would_block_a_text_are_listed_newest_first() -> None:
    decision("allow")
    refused = decision("refuse", passed=False)
    redacted = decision("redact")
    near_miss = decision("allow", would_block=True)

    page = constitution.decisions_to_review(limit=10)

    assert [item.id for item in page.items] == [near_miss.id, redacted.id, refused.id]
    assert page.next_cursor is None
