"""Request and response schemas of the learner's memory."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.agents.public.memory import memory_item_label
from azora.agents.public.views import MemoryItemView
from azora.shared.schemas import StrictIn


class MemoryItemOut(Schema):
    id: uuid.UUID
    kind: Literal["goal", "difficulty", "language"]
    text: str = Field(description="For a preferred language, the served language's code (`fr`).")
    label: str = Field(description="The text as shown to the learner (a language's name in their language).")
    source: Literal["learner", "conversation", "onboarding"] = Field(
        description="learner: told by them; conversation: noticed in a message; onboarding: from onboarding."
    )
    created_at: datetime

    @staticmethod
    def of(view: MemoryItemView) -> MemoryItemOut:
        label = memory_item_label(view)
        return MemoryItemOut(
            id=view.id,
            kind=view.kind,  # type: ignore[arg-type]  # a MemoryKind value, one of the Literal's
            text=view.text,
            label=label,
            source=view.source,  # type: ignore[arg-type]  # a MemorySource value, one of the Literal's
            created_at=view.created_at,
        )


class MemoryOut(Schema):
    """What the agents remember about the learner, and how many items they may keep."""

    items: list[MemoryItemOut]
    limit: int


class MemoryItemCreateIn(StrictIn):
    kind: Literal["goal", "difficulty", "language"]
    text: str = Field(description="At most 300 characters; a language by its name in any served language or code.")


class MemoryEraseOut(Schema):
    erased: int = Field(description="How many items were erased.")
