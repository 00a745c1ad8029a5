"""One chat from request to recorded usage: guard, budget, route, call, filter, settle (being built)."""

from __future__ import annotations

from azora.ai_routing.public import ChatMessage, ChatOptions, ChatResult, ChatStream


def chat_complete(*, messages: tuple[ChatMessage, ...], options: ChatOptions) -> ChatResult:
    raise NotImplementedError("AI routing's chat is being built (issue 6)")


def chat_streamed(*, messages: tuple[ChatMessage, ...], options: ChatOptions) -> ChatStream:
    raise NotImplementedError("AI routing's chat is being built (issue 6)")
