"""Anthropic's Messages API (whole and streamed) via the official `anthropic` package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic

from azora.ai_routing.adapters.base import (
    ClientCache,
    Completion,
    ProviderError,
    ProviderRequest,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    sdk_error,
)

_CONTEXT_MARKERS = ("prompt is too long", "context window", "context_length", "too many tokens")
# Retries are the router's job (it knows when a retry is safe), so the client never retries.
_clients = ClientCache(
    lambda base_url, api_key: anthropic.Anthropic(api_key=api_key, base_url=base_url or None, max_retries=0)
)


def _error(error: Exception) -> ProviderError:
    return sdk_error(error, sdk=anthropic, context_markers=_CONTEXT_MARKERS)


class AnthropicProvider:
    def __init__(self, *, base_url: str, api_key: str) -> None:
        self._client = _clients.get(base_url, api_key)

    def _arguments(self, request: ProviderRequest) -> dict[str, Any]:
        system = "\n\n".join(message.content for message in request.messages if message.role == "system")
        arguments: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": [
                {"role": message.role, "content": message.content}
                for message in request.messages
                if message.role != "system"
            ],
            "timeout": request.timeout_seconds,
        }
        if system:
            arguments["system"] = system
        # No temperature: the Messages API of the SDK in use (anthropic 2.x) no longer takes one.
        return arguments

    def complete(self, request: ProviderRequest) -> Completion:
        try:
            message = self._client.messages.create(**self._arguments(request))
            text = "".join(block.text for block in message.content if block.type == "text")
            return Completion(
                text=text,
                tokens_in=message.usage.input_tokens,
                tokens_out=message.usage.output_tokens,
                model=message.model or request.model,
            )
        except Exception as error:
            raise _error(error) from error

    def stream(self, request: ProviderRequest) -> Iterator[StreamEvent]:
        try:
            events = self._client.messages.create(**self._arguments(request), stream=True)
        except Exception as error:
            raise _error(error) from error
        tokens_in: int | None = None
        tokens_out: int | None = None
        model = request.model
        finished = False
        try:
            with events:
                for event in events:
                    if event.type == "message_start":
                        model = event.message.model or model
                        tokens_in = event.message.usage.input_tokens
                        tokens_out = event.message.usage.output_tokens
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        yield StreamDelta(event.delta.text)
                    elif event.type == "message_delta":
                        tokens_out = event.usage.output_tokens
                    elif event.type == "message_stop":
                        finished = True
        except Exception as error:
            raise _error(error) from error
        if not finished:
            raise ProviderError("malformed", "the provider's stream ended without message_stop")
        yield StreamEnd(tokens_in=tokens_in, tokens_out=tokens_out, model=model)
