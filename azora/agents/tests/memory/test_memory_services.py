"""memory_of / memory_add / memory_erase: bounded, idempotent, the learner's own only; refusals change nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import override_settings

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.agents.errors import MemoryFull, MemoryItemInvalid, MemoryItemNotFound
from azora.agents.models import MemoryItem
from azora.agents.public import memory_add, memory_erase, memory_item_label, memory_items_limit, memory_of
from azora.agents.tests.factories import MemoryItemFactory

pytestmark = pytest.mark.django_db


def memory_snapshot() -> list[tuple[Any, ...]]:
    return sorted(MemoryItem.objects.values_list("id", "user_id", "kind", "text", "source"), key=str)


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory()
    return user


def test_an_added_item_is_kept_and_shown_goals_first(learner: User) -> None:
    language = memory_add(user_id=learner.id, kind="language", text="  Français ")
    difficulty = memory_add(user_id=learner.id, kind="difficulty", text="Fractions", source="conversation")
    goal = memory_add(user_id=learner.id, kind="goal", text="Become   a nurse", source="onboarding")
    assert (goal.kind, goal.text, goal.source) == ("goal", "Become a nurse", "onboarding")
    assert language.text == "fr"
    assert [item.id for item in memory_of(user_id=learner.id)] == [goal.id, difficulty.id, language.id]
    assert memory_of(user_id=UserFactory().id) == []


def test_adding_the_same_item_again_answers_the_kept_one(learner: User) -> None:
    first = memory_add(user_id=learner.id, kind="difficulty", text="Fractions")
    again = memory_add(user_id=learner.id, kind="difficulty", text="fractions", source="conversation")
    assert again == first
    assert MemoryItem.objects.filter(user_id=learner.id).count() == 1


def test_a_new_preferred_language_replaces_the_previous_one(learner: User) -> None:
    memory_add(user_id=learner.id, kind="language", text="fr")
    kept = memory_add(user_id=learner.id, kind="language", text="Kiswahili")
    assert [(item.kind, item.text) for item in memory_of(user_id=learner.id)] == [("language", "sw")]
    assert (kept.text, memory_item_label(kept)) == ("sw", "Swahili")
    unserved = memory_add(user_id=learner.id, kind="language", text="isiZulu")
    assert (unserved.text, memory_item_label(unserved)) == ("isiZulu", "isiZulu")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "secret", "text": "x"}, "kind"),
        ({"kind": "goal", "text": "   "}, "text"),
        ({"kind": "goal", "text": "x" * 301}, "text"),
        ({"kind": "goal", "text": "Pass", "source": "guess"}, "source"),
    ],
)
def test_an_invalid_item_is_refused_and_nothing_changes(learner: User, fields: dict[str, Any], field: str) -> None:
    MemoryItemFactory(user=learner)
    before = memory_snapshot()
    with pytest.raises(MemoryItemInvalid) as raised:
        memory_add(user_id=learner.id, **fields)
    assert raised.value.extra["errors"][0]["field"] == field
    assert memory_snapshot() == before


@override_settings(AZORA_AGENTS_MEMORY_ITEMS=3)
def test_at_the_limit_the_oldest_noticed_item_makes_room(learner: User) -> None:
    assert memory_items_limit() == 3
    told = memory_add(user_id=learner.id, kind="goal", text="Pass matric")
    noticed_first = memory_add(user_id=learner.id, kind="difficulty", text="Fractions", source="conversation")
    noticed_second = memory_add(user_id=learner.id, kind="difficulty", text="Decimals", source="conversation")
    newest = memory_add(user_id=learner.id, kind="goal", text="Become a nurse", source="conversation")
    assert {item.id for item in memory_of(user_id=learner.id)} == {told.id, noticed_second.id, newest.id}
    assert not MemoryItem.objects.filter(id=noticed_first.id).exists()


@override_settings(AZORA_AGENTS_MEMORY_ITEMS=2)
def test_when_every_item_was_told_by_the_learner_memory_is_full_and_nothing_changes(learner: User) -> None:
    memory_add(user_id=learner.id, kind="goal", text="Pass matric")
    memory_add(user_id=learner.id, kind="goal", text="Become a nurse")
    before = memory_snapshot()
    with pytest.raises(MemoryFull) as raised:
        memory_add(user_id=learner.id, kind="difficulty", text="Fractions", source="conversation")
    assert raised.value.extra == {"limit": 2}
    assert memory_snapshot() == before
    # The same item again is still answered (nothing new to keep).
    assert memory_add(user_id=learner.id, kind="goal", text="pass matric").text == "Pass matric"


def test_erasing_one_item_and_then_all(learner: User) -> None:
    keep = memory_add(user_id=learner.id, kind="goal", text="Pass matric")
    erase = memory_add(user_id=learner.id, kind="difficulty", text="Fractions")
    other = MemoryItemFactory()
    assert memory_erase(user_id=learner.id, item_id=erase.id) == 1
    assert [item.id for item in memory_of(user_id=learner.id)] == [keep.id]
    memory_add(user_id=learner.id, kind="language", text="en")
    assert memory_erase(user_id=learner.id) == 2
    assert memory_of(user_id=learner.id) == []
    assert MemoryItem.objects.filter(id=other.id).exists()
    assert memory_erase(user_id=learner.id) == 0


def test_erasing_someone_elses_or_an_unknown_item_is_not_found_and_nothing_changes(learner: User) -> None:
    other = MemoryItemFactory()
    MemoryItemFactory(user=learner)
    before = memory_snapshot()
    for item_id in (other.id, uuid.uuid4()):
        with pytest.raises(MemoryItemNotFound):
            memory_erase(user_id=learner.id, item_id=item_id)
    assert memory_snapshot() == before
