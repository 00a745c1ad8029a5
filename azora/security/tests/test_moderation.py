"""The moderation queue: flags open or add to a case, moderators keep or remove through the owning app's handler,
bad input changes nothing, decisions are audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from azora.security.errors import (
    InvalidModerationDecision,
    InvalidModerationFlag,
    ModerationCaseClosed,
    ModerationCaseNotFound,
    ModerationContentNotFound,
    ModerationFlagLimit,
)
from azora.security.models import AuditRecord, ModerationCase
from azora.security.moderation_queue import FLAGS_PER_HOUR, source_unregister
from azora.security.public import (
    moderation_case_list,
    moderation_case_page,
    moderation_decide,
    moderation_flag,
    moderation_sources,
    register_moderation_handler,
)
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_events import ModerationCaseFactory, platform_admin
from azora.shared.errors import PermissionDenied

pytestmark = pytest.mark.django_db

SOURCE = "test.note"


class Notes:
    """A stand-in content app: notes by id, visible to everyone except 'private' ones (only their owner)."""

    def __init__(self) -> None:
        self.texts = {"n1": "Buy cheap watches", "n2": "A kind review", "secret": "Between two people"}
        self.owner: uuid.UUID | None = None
        self.hidden: set[str] = set()
        self.decisions: list[tuple[str, str]] = []
        self.fail = False

    def apply(self, object_id: str, decision: str) -> None:
        if self.fail:
            raise RuntimeError("the content app is down")
        self.decisions.append((object_id, decision))
        if decision == "remove":
            self.hidden.add(object_id)

    def excerpt(self, object_id: str, reporter_id: uuid.UUID | None) -> str | None:
        if object_id == "secret" and reporter_id != self.owner:
            return None
        return self.texts.get(object_id)


@pytest.fixture
def notes() -> Iterator[Notes]:
    store = Notes()
    register_moderation_handler(SOURCE, store.apply, excerpt=store.excerpt)
    yield store
    source_unregister(SOURCE)


@pytest.fixture
def moderator() -> Any:
    return platform_admin()


def _flag(reporter: Any, object_id: str = "n1", reason: str = "spam") -> Any:
    return moderation_flag(source=SOURCE, object_id=object_id, excerpt="", reason=reason, reporter_id=reporter.pk)


def test_a_flag_opens_a_case_with_the_owning_apps_text(notes: Notes) -> None:
    reporter = UserFactory()
    case = moderation_flag(
        source=SOURCE, object_id="n1", excerpt="words the reporter made up", reason="  spam ", reporter_id=reporter.pk
    )
    assert (case.source, case.object_id, case.excerpt, case.reason, case.reports, case.status) == (
        SOURCE, "n1", "Buy cheap watches", "spam", 1, "open",
    )  # fmt: skip
    assert SOURCE in moderation_sources()
    assert ModerationCase.objects.get().reporter_id == reporter.pk


def test_more_reports_count_on_the_open_case_and_a_repeat_by_the_same_person_does_not(notes: Notes) -> None:
    first, second = UserFactory(), UserFactory()
    _flag(first)
    _flag(second, reason="scam")
    again = _flag(first)
    assert again.reports == 2
    assert ModerationCase.objects.count() == 1


def test_a_source_without_a_reader_keeps_the_callers_excerpt() -> None:
    register_moderation_handler("test.plain", lambda object_id, decision: None)
    try:
        case = moderation_flag(source="test.plain", object_id="7", excerpt="x" * 5000, reason="rude")
    finally:
        source_unregister("test.plain")
    assert len(case.excerpt) == 1000


@pytest.mark.parametrize(
    ("source", "object_id", "reason", "fields"),
    [
        ("nope.thing", "n1", "spam", ["source"]),
        (SOURCE, " ", "spam", ["object_id"]),
        (SOURCE, "n1", "   ", ["reason"]),
        (SOURCE, "n1", "r" * 301, ["reason"]),
        ("nope.thing", "", "", ["source", "object_id", "reason"]),
    ],
)
def test_a_bad_flag_is_refused_and_saves_nothing(
    notes: Notes, source: str, object_id: str, reason: str, fields: list[str]
) -> None:
    with pytest.raises(InvalidModerationFlag) as raised:
        moderation_flag(source=source, object_id=object_id, excerpt="", reason=reason)
    assert [error["field"] for error in raised.value.extra["errors"]] == fields
    assert ModerationCase.objects.count() == 0


def test_content_the_reporter_cannot_see_or_that_does_not_exist_is_not_found(notes: Notes) -> None:
    outsider = UserFactory()
    for object_id in ("secret", "missing"):
        with pytest.raises(ModerationContentNotFound):
            _flag(outsider, object_id)
    assert ModerationCase.objects.count() == 0
    notes.owner = outsider.pk
    assert _flag(outsider, "secret").excerpt == "Between two people"


def test_one_person_may_send_only_so_many_flags_an_hour(notes: Notes) -> None:
    reporter = UserFactory()
    notes.texts.update({f"bulk{i}": "text" for i in range(FLAGS_PER_HOUR + 1)})
    for i in range(FLAGS_PER_HOUR):
        _flag(reporter, f"bulk{i}")
    with pytest.raises(ModerationFlagLimit):
        _flag(reporter, f"bulk{FLAGS_PER_HOUR}")
    assert ModerationCase.objects.count() == FLAGS_PER_HOUR
    assert _flag(UserFactory(), f"bulk{FLAGS_PER_HOUR}").reports == 1


def test_removing_hides_the_content_closes_the_case_and_is_audited(notes: Notes, moderator: Any) -> None:
    case = _flag(UserFactory())
    decided = moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="remove", note=" Spam link ")
    assert (decided.status, decided.decision_note, decided.decided_by_id) == ("removed", "Spam link", moderator.pk)
    assert decided.decided_at is not None
    assert notes.hidden == {"n1"}
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_id, record.target_type, record.target_id) == (
        "security.moderation_removed", moderator.pk, SOURCE, "n1",
    )  # fmt: skip
    assert record.detail == {"case_id": str(case.id), "decision": "remove", "note": "Spam link", "reports": 1}
    assert moderation_case_list() == []
    assert [c.id for c in moderation_case_list(status="removed")] == [case.id]


def test_keeping_tells_the_app_and_closes_the_case(notes: Notes, moderator: Any) -> None:
    case = _flag(UserFactory(), "n2")
    decided = moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="keep", note="Fair criticism")
    assert decided.status == "kept"
    assert notes.decisions == [("n2", "keep")]
    assert notes.hidden == set()
    assert AuditRecord.objects.get().action == "security.moderation_kept"


def test_a_new_flag_after_a_decision_opens_a_new_case(notes: Notes, moderator: Any) -> None:
    case = _flag(UserFactory())
    moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="keep", note="ok")
    reopened = _flag(UserFactory())
    assert reopened.id != case.id
    assert reopened.status == "open"


def test_a_failing_handler_leaves_the_case_open_and_nothing_recorded(notes: Notes, moderator: Any) -> None:
    case = _flag(UserFactory())
    notes.fail = True
    with pytest.raises(RuntimeError):
        moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="remove", note="spam")
    stored = ModerationCase.objects.get()
    assert (stored.status, stored.decided_at, stored.decision_note) == ("open", None, "")
    assert AuditRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("decision", "note", "fields"),
    [("delete", "why", ["decision"]), ("remove", "  ", ["note"]), ("maybe", "", ["decision", "note"])],
)
def test_a_bad_decision_is_refused_and_changes_nothing(
    notes: Notes, moderator: Any, decision: str, note: str, fields: list[str]
) -> None:
    case = _flag(UserFactory())
    with pytest.raises(InvalidModerationDecision) as raised:
        moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision=decision, note=note)  # type: ignore[arg-type]
    assert [error["field"] for error in raised.value.extra["errors"]] == fields
    assert ModerationCase.objects.get().status == "open"
    assert (notes.decisions, AuditRecord.objects.count()) == ([], 0)


def test_deciding_twice_or_an_unknown_case_is_refused(notes: Notes, moderator: Any) -> None:
    case = _flag(UserFactory())
    moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="remove", note="spam")
    with pytest.raises(ModerationCaseClosed):
        moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="keep", note="oops")
    with pytest.raises(ModerationCaseNotFound):
        moderation_decide(moderator_id=moderator.pk, case_id=uuid.uuid4(), decision="keep", note="x")
    assert notes.decisions == [("n1", "remove")]
    assert AuditRecord.objects.count() == 1


def test_only_a_platform_admin_decides(notes: Notes) -> None:
    case = _flag(UserFactory())
    with pytest.raises(PermissionDenied):
        moderation_decide(moderator_id=UserFactory().pk, case_id=case.id, decision="remove", note="spam")
    assert ModerationCase.objects.get().status == "open"


def test_a_case_of_a_source_no_longer_registered_stays_open(moderator: Any) -> None:
    case = ModerationCaseFactory(source="gone.app")
    with pytest.raises(InvalidModerationDecision):
        moderation_decide(moderator_id=moderator.pk, case_id=case.id, decision="remove", note="spam")
    assert ModerationCase.objects.get().status == "open"


def test_the_queue_pages_oldest_first_and_refuses_an_unknown_status() -> None:
    cases = [ModerationCaseFactory() for _ in range(3)]
    first = moderation_case_page(limit=2)
    second = moderation_case_page(limit=2, cursor=first.next_cursor)
    assert [c.id for c in first.items + second.items] == [c.id for c in cases]
    assert second.next_cursor is None
    with pytest.raises(InvalidModerationFlag):
        moderation_case_page(status="pending")
