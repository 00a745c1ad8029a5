"""The learner's memory and feedback on answers (owner: AGENTS-OVERSIGHT)."""

from __future__ import annotations

import uuid

from azora.agents.public.views import FeedbackView, MemoryItemView

__all__ = ["feedback_give", "memory_add", "memory_erase", "memory_of"]


def memory_of(*, user_id: uuid.UUID) -> list[MemoryItemView]:
    raise NotImplementedError


def memory_add(*, user_id: uuid.UUID, kind: str, text: str, source: str = "learner") -> MemoryItemView:
    """Add an item (idempotent for the same kind and text); ValidationFailed for an unknown kind or empty text."""
    raise NotImplementedError


def memory_erase(*, user_id: uuid.UUID, item_id: uuid.UUID | None = None) -> int:
    """Erase one item (MemoryItemNotFound if not the learner's) or, with no id, all of them; returns how many."""
    raise NotImplementedError


def feedback_give(
    *, message_id: uuid.UUID, user_id: uuid.UUID, is_helpful: bool, reason: str = "", comment: str = ""
) -> FeedbackView:
    """Feedback on an assistant message of the learner's own conversation; giving it again replaces it."""
    raise NotImplementedError
