"""The read side of the learner's memory: the items the agents read and the learner sees."""

from __future__ import annotations

import uuid

from django.db.models import Case, IntegerField, Value, When

from azora.agents.models import MemoryItem, MemoryKind
from azora.agents.public.views import MemoryItemView
from azora.agents.services.memory import memory_item_view

__all__ = ["memory_of"]

_KIND_ORDER = Case(
    When(kind=MemoryKind.GOAL, then=Value(0)),
    When(kind=MemoryKind.DIFFICULTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def memory_of(*, user_id: uuid.UUID) -> list[MemoryItemView]:
    """The learner's items: goals, then difficulties, then the preferred language, oldest first within a kind."""
    rows = MemoryItem.objects.filter(user_id=user_id).order_by(_KIND_ORDER, "id")
    return [memory_item_view(item) for item in rows]
