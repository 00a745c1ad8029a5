"""The Elara AI Orchestrator's part of data protection: the person's conversations with Elara, what she
remembers about them, their feedback and oversight consents for their export; an approved deletion removes the
conversations and memories.

AI usage (tokens and cost, by id) is kept by AI Routing; the constitution's decisions keep no text of their own
beyond what their settings allow.
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.agents.models import Conversation, MemoryItem, Message, MessageFeedback, OversightConsent, QuestionAllowance
from azora.security.public import export_rows, register_anonymiser, register_exporter


def export_agents_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "conversations": export_rows(
            Conversation.objects.filter(user_id=user_id).order_by("-created_at"),
            ["id", "title", "mode", "course_id", "message_count", "created_at", "last_message_at"],
        ),
        "messages": export_rows(
            Message.objects.filter(conversation__user_id=user_id).order_by("-created_at"),
            ["conversation_id", "role", "agent_id", "content", "language", "created_at"],
        ),
        "memories": export_rows(
            MemoryItem.objects.filter(user_id=user_id).order_by("-created_at"),
            ["kind", "text", "source", "created_at"],
        ),
        "feedback": export_rows(
            MessageFeedback.objects.filter(user_id=user_id).order_by("-created_at"),
            ["message_id", "is_helpful", "reason", "comment", "created_at"],
        ),
        "oversight_consents": export_rows(
            OversightConsent.objects.filter(user_id=user_id).order_by("-created_at"), ["notice_version", "created_at"]
        ),
    }


def anonymise_agents_data(user_id: uuid.UUID) -> None:
    MessageFeedback.objects.filter(user_id=user_id).delete()
    Conversation.objects.filter(user_id=user_id).delete()  # their messages go with them
    MemoryItem.objects.filter(user_id=user_id).delete()
    QuestionAllowance.objects.filter(user_id=user_id).delete()


register_exporter("agents", export_agents_data)
register_anonymiser("agents", anonymise_agents_data)
