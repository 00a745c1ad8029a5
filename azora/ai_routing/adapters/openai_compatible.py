"""OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio) via the official package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from azora.ai_routing.adapters.base import (
    ClientCache,
    Completion,
    ProviderError,
    ProviderRequest,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    estimate_prompt_tokens,
    estimate_tokens,
    sdk_error,
)

_CONTEXT_MARKERS = ("context_length_exceeded", "maximum context length", "context window", "too many tokens")
# Retries are the router's job (it knows when a retry is safe), so the client never retries.
_clients = ClientCache(
    lambda base_url, api_key: openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url or None, max_retries=0)
)


def _error(error: Exception) -> ProviderError:
    return sdk_error(error, sdk=openai, context_markers=_CONTEXT_MARKERS)


class OpenAICompatibleProvider:
    def __init__(self, *, base_url: str, api_key: str) -> None:
        self._client = _clients.get(base_url, api_key)

    def _body(self, request: ProviderRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [{"role": message.role, "content": message.content} for message in request.messages],
            "max_tokens": request.max_tokens,
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        return body

    # The client's own `post` (its documented way to make a request with a body as given), not
    # `chat.completions.create`: create walks the messages through the package's type-driven transform, a quarter
    # of a chat's CPU in the client for plain strings that it sends unchanged (docs/ai-routing.md, "Performance").
    # The request, the response's parsing and the errors are the package's, as with create.

    def complete(self, request: ProviderRequest) -> Completion:
        try:
            response = self._client.post(
                "/chat/completions",
                body=self._body(request),
                options={"timeout": request.timeout_seconds},
                cast_to=ChatCompletion,
            )
            text = response.choices[0].message.content or ""
            usage = response.usage
            tokens_in = usage.prompt_tokens if usage else estimate_prompt_tokens(request.messages)
            tokens_out = usage.completion_tokens if usage else estimate_tokens(text)
            model = response.model or request.model
            return Completion(text=text, tokens_in=tokens_in, tokens_out=tokens_out, model=model)
        except ProviderError:
            raise
        except Exception as error:  # every failure of the client or of its parsing becomes a ProviderError
            raise _error(error) from error

    def stream(self, request: ProviderRequest) -> Iterator[StreamEvent]:
        try:
            chunks = self._client.post(
                "/chat/completions",
                body={**self._body(request), "stream": True, "stream_options": {"include_usage": True}},
                options={"timeout": request.timeout_seconds},
                cast_to=ChatCompletion,
                stream=True,
                stream_cls=openai.Stream[ChatCompletionChunk],
            )
        except Exception as error:
            raise _error(error) from error
        tokens_in: int | None = None
        tokens_out: int | None = None
        model = request.model
        try:
            with chunks:
                for chunk in chunks:
                    model = chunk.model or model
                    if chunk.usage is not None:
                        tokens_in, tokens_out = chunk.usage.prompt_tokens, chunk.usage.completion_tokens
                    for choice in chunk.choices:
                        if choice.delta is not None and choice.delta.content:
                            yield StreamDelta(choice.delta.content)
        except Exception as error:
            raise _error(error) from error
        yield StreamEnd(tokens_in=tokens_in, tokens_out=tokens_out, model=model)
