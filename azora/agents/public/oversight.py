"""Oversight: transcripts of learners' conversations for their instructors and organisation admins (owner:
AGENTS-OVERSIGHT)."""

from __future__ import annotations

import uuid

from azora.agents.public.views import OversightConversationView
from azora.shared.pagination import Page

__all__ = ["may_oversee", "oversight_conversations"]


def oversight_conversations(
    *,
    viewer_id: uuid.UUID,
    course_id: uuid.UUID | None = None,
    flagged_only: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[OversightConversationView]:
    """Conversations the viewer may oversee, flagged ones first, then most recent."""
    raise NotImplementedError


def may_oversee(*, viewer_id: uuid.UUID, conversation_id: uuid.UUID) -> bool:
    """True for an instructor of the conversation's course or an admin of the learner's organisation at the time."""
    raise NotImplementedError
