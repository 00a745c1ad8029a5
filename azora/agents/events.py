"""The events the orchestrator publishes: a conversation drew its first constitution flag; other areas append below."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent

# --- conversations (AGENTS-CORE) ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ConversationFlagged(DomainEvent):
    """A message of the conversation drew a flag from the constitution for the first time (overseers may review it).

    Published once per conversation, in the transaction that stored the flagged exchange."""

    event_type: ClassVar[str] = "agents.conversation_flagged"

    conversation_id: uuid.UUID
    message_id: uuid.UUID  # the assistant message of the flagged exchange
    user_id: uuid.UUID
    course_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    flags: tuple[str, ...]  # principle ids
    status: str  # the answer's status: complete | hint | refused
    flagged_at: dt.datetime
