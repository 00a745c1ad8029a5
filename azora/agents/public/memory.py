"""The learner's memory and feedback on answers."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext_lazy as _

from azora.agents.public.views import FeedbackView, MemoryItemView

__all__ = ["feedback_give", "memory_add", "memory_erase", "memory_item_label", "memory_items_limit", "memory_of"]

# The served languages' names, for a preferred-language item (kept as its code).
LANGUAGE_LABELS = {
    "en": _("English"),
    "fr": _("French"),
    "pt": _("Portuguese"),
    "af": _("Afrikaans"),
    "sw": _("Swahili"),
}


def memory_item_label(item: MemoryItemView) -> str:
    """The item as the learner reads it: a preferred language by its name in the active language, else the text."""
    if item.kind == "language":
        return str(LANGUAGE_LABELS.get(item.text, item.text))
    return item.text


def memory_of(*, user_id: uuid.UUID) -> list[MemoryItemView]:
    """The learner's items: goals, then difficulties, then the preferred language (oldest first within a kind)."""
    from azora.agents.selectors.memory import memory_of as select

    return select(user_id=user_id)


def memory_add(
    *, user_id: uuid.UUID, kind: str, text: str, source: str = "learner", conversation_id: uuid.UUID | None = None
) -> MemoryItemView:
    """Add an item (idempotent for the same kind and text); ValidationFailed for an unknown kind or empty text.

    `kind` is goal | difficulty | language (a served language's name is kept as its code, and replaces the previous
    preferred language); `source` is learner | conversation | onboarding. At `AZORA_AGENTS_MEMORY_ITEMS` items the
    oldest noticed item (not told by the learner) makes room; `MemoryFull` when every item was told by the learner.
    """
    from azora.agents.services.memory import memory_add as add

    return add(user_id=user_id, kind=kind, text=text, source=source, conversation_id=conversation_id)


def memory_erase(*, user_id: uuid.UUID, item_id: uuid.UUID | None = None) -> int:
    """Erase one item (MemoryItemNotFound if not the learner's) or, with no id, all of them; returns how many."""
    from azora.agents.services.memory import memory_erase as erase

    return erase(user_id=user_id, item_id=item_id)


def memory_items_limit() -> int:
    """How many items a learner may keep."""
    from azora.agents.services.memory import memory_items_limit as limit

    return limit()


def feedback_give(
    *, message_id: uuid.UUID, user_id: uuid.UUID, is_helpful: bool, reason: str = "", comment: str = ""
) -> FeedbackView:
    """Feedback on an assistant message of the learner's own conversation; giving it again replaces it.

    MessageNotFound for anyone else's message; FeedbackInvalid for the learner's own question, an unknown reason or
    one that contradicts `is_helpful` (`helpful` only when it helped), or a comment over 2000 characters.
    """
    from azora.agents.services.feedback import feedback_give as give

    return give(message_id=message_id, user_id=user_id, is_helpful=is_helpful, reason=reason, comment=comment)
