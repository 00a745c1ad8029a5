"""AI Routing test fixtures: provider servers, provider rows, a scripted guard, and a clean router state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache

from azora.ai_routing import public, resilience
from azora.ai_routing.adapters import local
from azora.ai_routing.models import Provider
from azora.ai_routing.public import ChatMessage, GuardContext, InputVerdict, OutputAction, OutputVerdict
from azora.ai_routing.services import chat as chat_service
from azora.ai_routing.tests.servers import AnthropicServer, OpenAIServer

OPENAI_KEY_VAR = "AZORA_TEST_OPENAI_KEY"
ANTHROPIC_KEY_VAR = "AZORA_TEST_ANTHROPIC_KEY"
OPENAI_KEY = "sk-test-openai-0123456789"
ANTHROPIC_KEY = "sk-ant-test-0123456789"


@pytest.fixture(scope="session")
def openai_server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server  # type: ignore[misc]  # __enter__ returns the base type


@pytest.fixture(scope="session")
def anthropic_server() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        yield server  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _clean_router(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fresh breakers, averages, counters and cache; servers reset; no guard unless a test installs one."""
    cache.clear()
    resilience.latency_reset()
    local.INDEX.invalidate()
    openai_server.script.reset()
    anthropic_server.script.reset()
    monkeypatch.setattr(chat_service, "sleep", lambda seconds: None)
    monkeypatch.setenv(OPENAI_KEY_VAR, OPENAI_KEY)
    monkeypatch.setenv(ANTHROPIC_KEY_VAR, ANTHROPIC_KEY)
    previous = public.registered_guard()
    public.unregister_guard()
    yield
    if previous is not None:
        public.register_guard(previous)
    else:
        public.unregister_guard()
    cache.clear()


def make_provider(**fields: Any) -> Provider:
    defaults: dict[str, Any] = {
        "kind": "openai_compatible",
        "model": "gpt-test",
        "secret_env_var": OPENAI_KEY_VAR,
        "input_price_micros_per_million": 1_000_000,  # 1 micro-unit per token in
        "output_price_micros_per_million": 2_000_000,  # 2 per token out
        "context_window": 8192,
        "timeout_ms": 5_000,
        "priority": 10,
    }
    defaults.update(fields)
    return Provider.objects.create(**defaults)


@pytest.fixture
def openai_provider(openai_server: OpenAIServer) -> Provider:
    return make_provider(name="openai", base_url=openai_server.base_url)


@pytest.fixture
def anthropic_provider(anthropic_server: AnthropicServer) -> Provider:
    return make_provider(
        name="claude",
        kind="anthropic",
        base_url=anthropic_server.base_url,
        model="claude-test",
        secret_env_var=ANTHROPIC_KEY_VAR,
        priority=20,
    )


@dataclass
class _Filter:
    """Sentence-buffered like the constitution's: holds text until a sentence ends; drops sentences with `blocked`."""

    blocked: str
    refuse_on_blocked: bool
    decision_id: uuid.UUID
    buffer: str = ""
    violations: list[str] = field(default_factory=list)
    stopped: bool = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        self.buffer += text
        out: list[str] = []
        while True:
            end = min((i for i in (self.buffer.find(". "), self.buffer.find("? ")) if i >= 0), default=-1)
            if end < 0:
                break
            sentence, self.buffer = self.buffer[: end + 2], self.buffer[end + 2 :]
            if self.blocked and self.blocked in sentence:
                self.violations.append("safety")
                if self.refuse_on_blocked:
                    self.stopped = True
                    return "".join(out)
                continue
            out.append(sentence)
        return "".join(out)

    def finish(self) -> OutputVerdict:
        if self.stopped:
            return OutputVerdict("refuse", "[withheld]", self.decision_id, ("safety",), 0.0)
        tail, self.buffer = self.buffer, ""
        if self.blocked and self.blocked in tail:
            self.violations.append("safety")
            tail = ""
        action: OutputAction = "redact" if self.violations else "allow"
        return OutputVerdict(action, tail, self.decision_id, tuple(self.violations), 100.0)


@dataclass
class ScriptedGuard:
    """A test guard: refuses inputs containing `refuse`, redacts `secret@example.com`, filters output."""

    refuse: str = "forbidden-topic"
    blocked_output: str = ""
    refuse_output: bool = False
    instruction: str = ""  # when set, a system message put first in what the model may see (as a disclosure)
    contexts: list[GuardContext] = field(default_factory=list)
    input_decision_id: uuid.UUID = field(default_factory=uuid.uuid4)
    output_decision_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def check_input(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> InputVerdict:
        self.contexts.append(context)
        text = " ".join(m.content for m in messages)
        if self.refuse in text:
            reason = "I cannot help with that."
            return InputVerdict("refuse", tuple(messages), self.input_decision_id, reason, ("safety",))
        first = (ChatMessage("system", self.instruction),) if self.instruction else ()
        if "secret@example.com" in text:
            redacted = tuple(ChatMessage(m.role, m.content.replace("secret@example.com", "[email]")) for m in messages)
            return InputVerdict("redact", (*first, *redacted), self.input_decision_id, "", ("privacy",))
        return InputVerdict("allow", (*first, *messages), self.input_decision_id, "", ())

    def output_filter(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> _Filter:
        return _Filter(self.blocked_output, self.refuse_output, self.output_decision_id)


@pytest.fixture
def guard() -> ScriptedGuard:
    installed = ScriptedGuard()
    public.register_guard(installed)
    return installed
