"""The orchestrator's settings, read in one place: message limit, history and memory sizes, served languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class AgentsSettings:
    message_max_chars: int  # a longer question is refused (MessageTooLong)
    history_messages: int  # earlier messages of the conversation the model sees
    memory_items: int  # memory items a learner may keep (and the model reads)
    served_languages: tuple[str, ...]  # ISO 639-1 codes the tutor answers in


def agents_settings() -> AgentsSettings:
    served = getattr(settings, "AZORA_AGENTS_SERVED_LANGUAGES", ("en", "fr", "pt", "af", "sw"))
    return AgentsSettings(
        message_max_chars=int(getattr(settings, "AZORA_AGENTS_MESSAGE_MAX_CHARS", 4000)),
        history_messages=int(getattr(settings, "AZORA_AGENTS_HISTORY_MESSAGES", 10)),
        memory_items=int(getattr(settings, "AZORA_AGENTS_MEMORY_ITEMS", 20)),
        served_languages=tuple(code.strip().lower() for code in served if code.strip()),
    )
