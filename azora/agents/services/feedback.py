"""The write side of feedback: a learner says whether an answer helped, with a reason; giving it again replaces it."""

from __future__ import annotations

import uuid

from django.db import transaction

from azora.agents.errors import FeedbackInvalid, MessageNotFound
from azora.agents.models import FeedbackReason, Message, MessageFeedback, MessageRole
from azora.agents.public.views import FeedbackView

__all__ = ["COMMENT_MAX_CHARS", "feedback_give", "feedback_view"]

COMMENT_MAX_CHARS = 2000


def feedback_view(feedback: MessageFeedback) -> FeedbackView:
    """The feedback as the learner last gave it (`created_at` is when: a replacement counts from then)."""
    return FeedbackView(
        message_id=feedback.message_id,
        is_helpful=feedback.is_helpful,
        reason=feedback.reason,
        comment=feedback.comment,
        created_at=feedback.updated_at,
    )


def _invalid(field: str, message: str) -> FeedbackInvalid:
    return FeedbackInvalid(message, extra={"errors": [{"field": field, "message": message}]})


def feedback_give(
    *, message_id: uuid.UUID, user_id: uuid.UUID, is_helpful: bool, reason: str = "", comment: str = ""
) -> FeedbackView:
    """Feedback on an answer in the learner's own conversation (`MessageNotFound` for anyone else's message).

    `reason` is one of `FeedbackReason` or empty: `helpful` only with `is_helpful`, the others only without it.
    """
    reason = reason.strip()
    comment = comment.strip()
    if reason and reason not in FeedbackReason.values:
        raise _invalid("reason", f"Unknown reason; one of: {', '.join(FeedbackReason.values)}.")
    if reason and is_helpful != (reason == FeedbackReason.HELPFUL):
        raise _invalid("reason", "The reason contradicts whether the answer helped.")
    if len(comment) > COMMENT_MAX_CHARS:
        raise _invalid("comment", f"The comment is longer than {COMMENT_MAX_CHARS} characters.")
    message = (
        Message.objects.filter(id=message_id, conversation__user_id=user_id).only("id", "role", "conversation").first()
    )
    if message is None:
        raise MessageNotFound()
    if message.role != MessageRole.ASSISTANT:
        raise _invalid("message", "Only an agent's answer takes feedback.")
    with transaction.atomic():
        feedback, _ = MessageFeedback.objects.update_or_create(
            message_id=message.id,
            defaults={"user_id": user_id, "is_helpful": is_helpful, "reason": reason, "comment": comment},
        )
    return feedback_view(feedback)
