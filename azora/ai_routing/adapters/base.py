"""The one Protocol every model provider adapter implements, with its request, completion and error types."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Literal, Protocol

from azora.ai_routing.public import ChatMessage, Citation

ErrorKind = Literal[
    "timeout", "connection", "rate_limited", "server", "malformed", "context_window", "auth", "bad_request"
]
# Kinds worth trying again (transient); the others fail the same way every time.
RETRYABLE_KINDS: frozenset[str] = frozenset({"timeout", "connection", "rate_limited", "server"})


class ProviderError(Exception):
    """A provider call failed. `kind` is what the router acts on; the message never holds a secret."""

    def __init__(self, kind: ErrorKind, message: str, *, status: int | None = None) -> None:
        self.kind: ErrorKind = kind
        self.status = status
        super().__init__(message)

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS


@dataclass(frozen=True)
class ProviderRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    max_tokens: int
    temperature: float | None
    timeout_seconds: float
    course_id: object | None = None  # uuid.UUID: the local provider prefers that course's lessons
    user_id: object | None = None  # uuid.UUID: the local provider quotes only lessons this person may read


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int
    tokens_out: int
    model: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class StreamDelta:
    text: str


@dataclass(frozen=True)
class StreamEnd:
    """The last event of a stream: real usage when the provider reported it (None otherwise)."""

    tokens_in: int | None
    tokens_out: int | None
    model: str
    citations: tuple[Citation, ...] = ()


StreamEvent = StreamDelta | StreamEnd


class ChatProvider(Protocol):
    """A model endpoint. `stream` yields deltas then exactly one StreamEnd, or raises ProviderError at any point."""

    def complete(self, request: ProviderRequest) -> Completion: ...

    def stream(self, request: ProviderRequest) -> Iterator[StreamEvent]: ...


def estimate_tokens(text: str) -> int:
    """A provider-neutral token estimate (about four characters a token), used where no usage is reported."""
    return (len(text) + 3) // 4


def estimate_prompt_tokens(messages: Sequence[ChatMessage]) -> int:
    return sum(estimate_tokens(message.content) + 4 for message in messages)


class ClientCache[Client]:
    """One SDK client (and its connection pool) per endpoint and key, built once per process.

    The key is held only as its SHA-256, so the cache never keeps a secret as a dictionary key that a debugger or
    a log of the cache would show.
    """

    def __init__(self, build: Callable[[str, str], Client]) -> None:
        self._build = build
        self._clients: dict[tuple[str, str], Client] = {}
        self._lock = threading.Lock()

    def get(self, base_url: str, api_key: str) -> Client:
        key = (base_url, hashlib.sha256(api_key.encode()).hexdigest())
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._build(base_url, api_key)
        return client


def sdk_error(error: Exception, *, sdk: ModuleType, context_markers: Sequence[str]) -> ProviderError:
    """A provider SDK's exception as a ProviderError; `openai` and `anthropic` share one exception hierarchy.

    `context_markers` are the provider's words for a request over the context window (it answers 400 for it).
    """
    if isinstance(error, sdk.APITimeoutError):
        return ProviderError("timeout", "the provider did not answer in time")
    if isinstance(error, sdk.APIConnectionError):
        return ProviderError("connection", "the provider could not be reached")
    if isinstance(error, sdk.APIStatusError):
        status: int = error.status_code
        text = str(error).lower()
        if any(marker in text for marker in context_markers):
            return ProviderError("context_window", "the request is over the model's context window", status=status)
        if status == 429:
            return ProviderError("rate_limited", "the provider is rate limiting", status=status)
        if status in (401, 403):
            return ProviderError("auth", "the provider refused the API key", status=status)
        if status >= 500 or status < 400:  # 529 "overloaded"; an error event inside a 200 stream
            return ProviderError("server", f"the provider failed (HTTP {status})", status=status)
        return ProviderError("bad_request", f"the provider refused the request (HTTP {status})", status=status)
    if isinstance(error, sdk.APIResponseValidationError):
        return ProviderError("malformed", "the provider's answer did not have the documented shape")
    if isinstance(error, sdk.APIError):
        return ProviderError("server", "the provider reported an error")
    return ProviderError("malformed", f"the provider's answer could not be read ({type(error).__name__})")
