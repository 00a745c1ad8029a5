"""The Elara AI Orchestrator's domain errors (append-only; each area adds its own section)."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

__all__ = [
    "AgentNotFound",
    "ConsentRequired",
    "ConversationNotFound",
    "FeedbackInvalid",
    "MemoryFull",
    "MemoryItemInvalid",
    "MemoryItemNotFound",
    "MessageEmpty",
    "MessageNotFound",
    "MessageTooLong",
    "QuestionLimitReached",
]

# --- Conversations and messages (AGENTS-CORE) ---


class ConversationNotFound(NotFound):
    """Also raised for another learner's conversation that the caller may not oversee."""

    code = "conversation_not_found"
    title = "Conversation not found."


class MessageNotFound(NotFound):
    code = "message_not_found"
    title = "Message not found."


class AgentNotFound(NotFound):
    code = "agent_not_found"
    title = "Agent not found."


class MessageEmpty(ValidationFailed):
    code = "message_empty"
    title = "The message is empty."


class MessageTooLong(ValidationFailed):
    code = "message_too_long"
    title = "The message is too long."


class ConsentRequired(Conflict):
    """The learner has not yet been told (and agreed) that their teachers can read their conversations."""

    code = "oversight_consent_required"
    title = "Please read and accept the notice about who can see your conversations first."


class QuestionLimitReached(PermissionDenied):
    code = "elara_question_limit_reached"
    title = "You have used this month's questions to Elara on your plan."


# --- Memory, feedback and oversight (AGENTS-OVERSIGHT) ---


class MemoryItemNotFound(NotFound):
    code = "memory_item_not_found"
    title = "Memory item not found."


class MemoryItemInvalid(ValidationFailed):
    """An unknown kind or source, or a text that is empty after trimming or too long; `errors` names the field."""

    code = "memory_item_invalid"
    title = "The memory item is not valid."


class MemoryFull(Conflict):
    """The learner keeps the most items allowed, all told by them (noticed ones make room on their own)."""

    code = "memory_full"
    title = "Your memory is full: erase an item first."


class FeedbackInvalid(ValidationFailed):
    """Feedback on a learner's own question (only answers take feedback), an unknown reason, or a reason that
    contradicts `helpful`; `errors` names the field."""

    code = "feedback_invalid"
    title = "The feedback is not valid."
