"""Oversight: transcripts of learners' conversations for their instructors and organisation admins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext

from azora.agents.public.views import OversightConversationView
from azora.shared.pagination import Page

__all__ = ["OversightNoticeView", "may_oversee", "oversight_conversations", "oversight_notice"]


@dataclass(frozen=True, slots=True)
class OversightNoticeView:
    """What a learner is told (and agrees to, once per version) before their first message to the agents."""

    version: int
    text: str


def oversight_notice() -> OversightNoticeView:
    """The current notice, in the active language; its version is `OVERSIGHT_NOTICE_VERSION`."""
    from azora.agents.public.conversations import OVERSIGHT_NOTICE_VERSION

    text = gettext(
        "Your conversations with Elara and the other Azora agents are not private from the people responsible "
        "for your learning. The instructors of the course you ask about, the owners and admins of your "
        "organisation, and Azora's platform administrators can read them, together with anything Azora's "
        "constitution flagged in them. They read them to help you learn and to keep the tutor safe and fair. "
        "You can see and erase what the agents remember about you at any time on your memory page."
    )
    return OversightNoticeView(version=OVERSIGHT_NOTICE_VERSION, text=text)


def oversight_conversations(
    *,
    viewer_id: uuid.UUID,
    course_id: uuid.UUID | None = None,
    flagged_only: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[OversightConversationView]:
    """Conversations the viewer may oversee, flagged ones first, then most recent.

    Each with the learner's name, the course's title and every principle the constitution flagged in it. Empty for
    a viewer who oversees nobody (or for a course they do not oversee).
    """
    from azora.agents.selectors import oversight

    return oversight.oversight_conversations(
        viewer_id=viewer_id, course_id=course_id, flagged_only=flagged_only, cursor=cursor, limit=limit
    )


def may_oversee(*, viewer_id: uuid.UUID, conversation_id: uuid.UUID) -> bool:
    """True for whoever may edit the conversation's course (its instructors), an owner or admin of the learner's
    organisation recorded on the conversation, and platform admins; never for the learner themselves."""
    from azora.agents.selectors import oversight

    return oversight.may_oversee(viewer_id=viewer_id, conversation_id=conversation_id)
