"""The write side of the learner's memory: add an item (idempotent, bounded), erase one or all."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from azora.agents.errors import MemoryFull, MemoryItemInvalid, MemoryItemNotFound
from azora.agents.memory_notes import language_code
from azora.agents.models import MemoryItem, MemoryKind, MemorySource
from azora.agents.public.views import MemoryItemView

__all__ = ["memory_add", "memory_erase", "memory_item_view", "memory_items_limit"]

_TEXT_MAX = MemoryItem._meta.get_field("text").max_length or 300
_DEFAULT_MEMORY_ITEMS = 20


def memory_items_limit() -> int:
    """How many items a learner may keep (`AZORA_AGENTS_MEMORY_ITEMS`)."""
    return int(getattr(settings, "AZORA_AGENTS_MEMORY_ITEMS", _DEFAULT_MEMORY_ITEMS))


def memory_item_view(item: MemoryItem) -> MemoryItemView:
    return MemoryItemView(id=item.id, kind=item.kind, text=item.text, source=item.source, created_at=item.created_at)


def _invalid(field: str, message: str) -> MemoryItemInvalid:
    return MemoryItemInvalid(message, extra={"errors": [{"field": field, "message": message}]})


def _normalised(kind: str, text: str) -> str:
    """The text as kept: one space between words; a served language's name as its code ("Français" -> "fr")."""
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise _invalid("text", "The text is empty.")
    if kind == MemoryKind.LANGUAGE:
        cleaned = language_code(cleaned) or cleaned
    if len(cleaned) > _TEXT_MAX:
        raise _invalid("text", f"The text is longer than {_TEXT_MAX} characters.")
    return cleaned


def memory_add(
    *,
    user_id: uuid.UUID,
    kind: str,
    text: str,
    source: str = MemorySource.LEARNER,
    conversation_id: uuid.UUID | None = None,
) -> MemoryItemView:
    """Keep one item for the learner and answer it.

    - The same kind and text again (ignoring case) answers the item already kept, unchanged.
    - A preferred language replaces the previous one (a learner has one).
    - At the limit, the oldest item noticed on its own (from a conversation or onboarding) makes room; when every
      item was told by the learner, `MemoryFull` and nothing changes.
    """
    if kind not in MemoryKind.values:
        raise _invalid("kind", f"Unknown kind; one of: {', '.join(MemoryKind.values)}.")
    if source not in MemorySource.values:
        raise _invalid("source", f"Unknown source; one of: {', '.join(MemorySource.values)}.")
    cleaned = _normalised(kind, text)
    limit = memory_items_limit()
    with transaction.atomic():
        # Locks the learner's items so that two additions at once cannot both take the last place.
        items = list(MemoryItem.objects.select_for_update().filter(user_id=user_id).order_by("id"))
        for item in items:
            if item.kind == kind and item.text.casefold() == cleaned.casefold():
                return memory_item_view(item)
        replaced = [item.id for item in items if kind == MemoryKind.LANGUAGE and item.kind == MemoryKind.LANGUAGE]
        kept = [item for item in items if item.id not in replaced]
        evicted: list[uuid.UUID] = []
        if len(kept) >= limit:
            noticed = [item for item in kept if item.source != MemorySource.LEARNER]
            if len(kept) - len(noticed) >= limit:
                raise MemoryFull(extra={"limit": limit})
            evicted = [item.id for item in noticed[: len(kept) - limit + 1]]
        if replaced or evicted:
            MemoryItem.objects.filter(id__in=[*replaced, *evicted]).delete()
        try:
            with transaction.atomic():
                created = MemoryItem.objects.create(
                    user_id=user_id, kind=kind, text=cleaned, source=source, conversation_id=conversation_id
                )
        except IntegrityError:
            # The same item added at the same moment by another request: answer that one.
            existing = MemoryItem.objects.filter(user_id=user_id, kind=kind, text=cleaned).first()
            if existing is None:
                raise
            return memory_item_view(existing)
    return memory_item_view(created)


def memory_erase(*, user_id: uuid.UUID, item_id: uuid.UUID | None = None) -> int:
    """Erase one of the learner's items (`MemoryItemNotFound` for anyone else's) or, with no id, all of them."""
    items = MemoryItem.objects.filter(user_id=user_id)
    if item_id is None:
        erased, _ = items.delete()
        return erased
    erased, _ = items.filter(id=item_id).delete()
    if not erased:
        raise MemoryItemNotFound()
    return erased
