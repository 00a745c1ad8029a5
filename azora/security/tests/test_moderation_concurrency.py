"""The moderation queue under races, on PostgreSQL: simultaneous reports make one case; simultaneous decisions
apply once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from azora.security.errors import ModerationCaseClosed
from azora.security.models import AuditRecord, ModerationCase
from azora.security.moderation_queue import source_unregister
from azora.security.public import moderation_decide, moderation_flag, register_moderation_handler
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_events import platform_admin
from azora.shared.testing.concurrency import race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SOURCE = "test.race"


@pytest.fixture
def applied() -> Iterator[list[tuple[str, str]]]:
    decisions: list[tuple[str, str]] = []
    register_moderation_handler(SOURCE, lambda object_id, decision: decisions.append((object_id, decision)))
    yield decisions
    source_unregister(SOURCE)


def _flag(reporter_id: uuid.UUID) -> object:
    return moderation_flag(source=SOURCE, object_id="x1", excerpt="text", reason="spam", reporter_id=reporter_id)


def test_reports_at_once_make_one_case_counting_each(applied: list[tuple[str, str]]) -> None:
    reporters = [UserFactory().pk for _ in range(4)]
    outcomes = race_errors(*(lambda reporter=reporter: _flag(reporter) for reporter in reporters))
    assert outcomes == [None] * 4
    case = ModerationCase.objects.get()
    assert (case.status, case.reports) == ("open", 4)


def test_two_moderators_deciding_at_once_apply_one_decision(applied: list[tuple[str, str]]) -> None:
    _flag(UserFactory().pk)
    case = ModerationCase.objects.get()
    first, second = platform_admin(), platform_admin()
    outcomes = race_errors(
        lambda: moderation_decide(moderator_id=first.pk, case_id=case.id, decision="remove", note="spam"),
        lambda: moderation_decide(moderator_id=second.pk, case_id=case.id, decision="keep", note="fine"),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ModerationCaseClosed", "NoneType"]
    assert any(isinstance(outcome, ModerationCaseClosed) for outcome in outcomes)
    assert len(applied) == 1
    assert AuditRecord.objects.count() == 1
    assert ModerationCase.objects.get().status == {"remove": "removed", "keep": "kept"}[applied[0][1]]
