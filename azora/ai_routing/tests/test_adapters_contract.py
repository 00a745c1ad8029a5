"""One contract for every adapter: the real openai_compatible and anthropic adapters against local servers that
speak each provider's documented API, and the built-in local provider."""

from __future__ import annotations

from typing import Any

import pytest

from azora.ai_routing.adapters import (
    ChatProvider,
    ProviderError,
    ProviderRequest,
    StreamDelta,
    StreamEnd,
    StreamEvent,
)
from azora.ai_routing.adapters.anthropic import AnthropicProvider
from azora.ai_routing.adapters.local import LocalProvider
from azora.ai_routing.adapters.openai_compatible import OpenAICompatibleProvider
from azora.ai_routing.public import ChatMessage
from azora.ai_routing.tests.conftest import ANTHROPIC_KEY, OPENAI_KEY
from azora.ai_routing.tests.servers import (
    ANSWER,
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    AnthropicServer,
    Behaviour,
    OpenAIServer,
)

REQUEST = ProviderRequest(
    model="model-x",
    messages=(ChatMessage("system", "Be brief."), ChatMessage("user", "What is photosynthesis?")),
    max_tokens=64,
    temperature=0.2,
    timeout_seconds=5.0,
)


@pytest.fixture(params=["openai_compatible", "anthropic", "local"])
def adapter(request: pytest.FixtureRequest, openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> Any:
    if request.param == "openai_compatible":
        return OpenAICompatibleProvider(base_url=openai_server.base_url, api_key=OPENAI_KEY), openai_server
    if request.param == "anthropic":
        return AnthropicProvider(base_url=anthropic_server.base_url, api_key=ANTHROPIC_KEY), anthropic_server
    return LocalProvider(), None


def _drain(provider: ChatProvider) -> tuple[str, list[StreamEvent]]:
    events = list(provider.stream(REQUEST))
    return "".join(e.text for e in events if isinstance(e, StreamDelta)), events


@pytest.mark.django_db
def test_complete_returns_text_and_usage(adapter: Any) -> None:
    provider, server = adapter
    completion = provider.complete(REQUEST)
    assert completion.text
    assert completion.tokens_in > 0
    assert completion.tokens_out > 0
    if server is not None:
        assert (completion.text, completion.tokens_in, completion.tokens_out) == (
            ANSWER,
            PROMPT_TOKENS,
            COMPLETION_TOKENS,
        )
        assert completion.model == "model-x"


@pytest.mark.django_db
def test_stream_yields_deltas_then_one_end_with_the_same_text(adapter: Any) -> None:
    provider, server = adapter
    text, events = _drain(provider)
    assert isinstance(events[-1], StreamEnd)
    assert sum(isinstance(e, StreamEnd) for e in events) == 1
    assert sum(isinstance(e, StreamDelta) for e in events) >= 2
    assert text == provider.complete(REQUEST).text
    end = events[-1]
    assert isinstance(end, StreamEnd)
    if server is not None:
        assert (end.tokens_in, end.tokens_out, end.model) == (PROMPT_TOKENS, COMPLETION_TOKENS, "model-x")


FAILING = ["openai_compatible", "anthropic"]


@pytest.fixture(params=FAILING)
def remote(request: pytest.FixtureRequest, openai_server: OpenAIServer, anthropic_server: AnthropicServer) -> Any:
    if request.param == "openai_compatible":
        return OpenAICompatibleProvider(base_url=openai_server.base_url, api_key=OPENAI_KEY), openai_server
    return AnthropicProvider(base_url=anthropic_server.base_url, api_key=ANTHROPIC_KEY), anthropic_server


@pytest.mark.parametrize(
    ("kind", "expected", "retryable"),
    [
        ("server_error", "server", True),
        ("context_window", "context_window", False),
        ("malformed", "malformed", False),
        ("unauthorised", "auth", False),
    ],
)
@pytest.mark.parametrize("mode", ["complete", "stream"])
def test_failures_become_provider_errors(remote: Any, kind: str, expected: str, retryable: bool, mode: str) -> None:
    provider, server = remote
    server.script.queue.append(Behaviour(kind=kind))

    def call() -> object:
        return provider.complete(REQUEST) if mode == "complete" else _drain(provider)

    with pytest.raises(ProviderError) as caught:
        call()
    assert (caught.value.kind, caught.value.retryable) == (expected, retryable)
    assert OPENAI_KEY not in str(caught.value)
    assert ANTHROPIC_KEY not in str(caught.value)


def test_an_error_in_the_middle_of_a_stream_raises_after_the_first_deltas(remote: Any) -> None:
    provider, server = remote
    server.script.queue.append(Behaviour(kind="error_mid_stream"))
    received: list[str] = []

    def read() -> None:
        received.extend(event.text for event in provider.stream(REQUEST) if isinstance(event, StreamDelta))

    with pytest.raises(ProviderError) as caught:
        read()
    assert caught.value.kind == "server"
    assert received
    assert "".join(received) == " ".join(ANSWER.split(" ")[: len(ANSWER.split(" ")) // 2]) + " "


def test_a_slow_provider_times_out(remote: Any) -> None:
    provider, server = remote
    server.script.queue.append(Behaviour(delay_seconds=0.3))
    with pytest.raises(ProviderError) as caught:
        provider.complete(
            ProviderRequest(model="m", messages=REQUEST.messages, max_tokens=8, temperature=None, timeout_seconds=0.05)
        )
    assert caught.value.kind == "timeout"
    assert caught.value.retryable


def test_the_documented_request_shape_and_key_header(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    OpenAICompatibleProvider(base_url=openai_server.base_url, api_key=OPENAI_KEY).complete(REQUEST)
    AnthropicProvider(base_url=anthropic_server.base_url, api_key=ANTHROPIC_KEY).complete(REQUEST)
    sent_openai = openai_server.script.received[-1]
    assert sent_openai.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert sent_openai.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is photosynthesis?"},
    ]
    assert (sent_openai.body["model"], sent_openai.body["max_tokens"], sent_openai.body["temperature"]) == (
        "model-x",
        64,
        0.2,
    )
    sent_anthropic = anthropic_server.script.received[-1]
    # The SDK presents the key as x-api-key (1.x) or as a bearer token (2.x); either carries exactly this key.
    presented = sent_anthropic.headers.get("x-api-key") or sent_anthropic.headers["authorization"].removeprefix(
        "Bearer "
    )
    assert presented == ANTHROPIC_KEY
    assert sent_anthropic.headers["anthropic-version"]
    assert sent_anthropic.body["system"] == "Be brief."
    assert sent_anthropic.body["messages"] == [{"role": "user", "content": "What is photosynthesis?"}]
