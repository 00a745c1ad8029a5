"""Request and response schemas of oversight: the consent notice and the list overseers see."""

from __future__ import annotations

import uuid

from ninja import Field, Schema

from azora.agents.public.views import OversightConversationView
from azora.agents.schemas.conversations import ConversationOut
from azora.shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT


class OversightConsentOut(Schema):
    """The notice a learner reads before their first message, and whether they accepted this version of it."""

    version: int
    text: str
    given: bool


class OversightConversationOut(ConversationOut):
    """A learner's thread as an overseer sees it in the list; the transcript is `GET /conversations/{id}`."""

    learner_name: str
    course_title: str
    flags: list[str] = Field(description="Every principle the constitution flagged in the conversation.")
    flagged_messages: int

    @staticmethod
    def of_view(view: OversightConversationView) -> OversightConversationOut:
        return OversightConversationOut.model_validate(
            {
                **ConversationOut.fields_of(view.conversation),
                "learner_name": view.learner_name,
                "course_title": view.course_title,
                "flags": list(view.flags),
                "flagged_messages": view.flagged_messages,
            }
        )


class OversightQuery(Schema):
    """`?course_id=&flagged=&cursor=&limit=`."""

    course_id: uuid.UUID | None = Field(default=None, description="Only threads about this course.")
    flagged: bool = Field(default=False, description="Only threads the constitution flagged.")
    cursor: str | None = Field(
        default=None, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page."
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page.")
