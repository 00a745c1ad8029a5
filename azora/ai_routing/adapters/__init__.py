"""Model providers behind one Protocol (base.ChatProvider): openai_compatible, anthropic and the offline `local`."""

from __future__ import annotations

from collections.abc import Callable

from azora.ai_routing.adapters.base import (
    ChatProvider,
    Completion,
    ProviderError,
    ProviderRequest,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    estimate_prompt_tokens,
    estimate_tokens,
)
from azora.ai_routing.config import ProviderConfig
from config import env

__all__ = [
    "ChatProvider",
    "Completion",
    "ProviderError",
    "ProviderRequest",
    "StreamDelta",
    "StreamEnd",
    "StreamEvent",
    "build_provider",
    "estimate_prompt_tokens",
    "estimate_tokens",
    "override_provider",
    "secret_is_set",
]

# Tests install in-process fakes here by provider name (they pass the same contract tests as the real adapters).
_overrides: dict[str, Callable[[ProviderConfig], ChatProvider]] = {}


def override_provider(name: str, factory: Callable[[ProviderConfig], ChatProvider] | None) -> None:
    if factory is None:
        _overrides.pop(name, None)
    else:
        _overrides[name] = factory


def secret_is_set(config: ProviderConfig) -> bool:
    """Whether the provider can be called: local needs no secret; the others need their variable set (if named)."""
    if config.kind == "local" or not config.secret_env_var:
        return True
    return bool(env.secret_by_name(config.secret_env_var))


def build_provider(config: ProviderConfig) -> ChatProvider:
    """The adapter for `config`, its secret read from the environment now; KeyError for an unknown kind."""
    override = _overrides.get(config.name)
    if override is not None:
        return override(config)
    if config.kind == "local":
        from azora.ai_routing.adapters.local import LocalProvider

        return LocalProvider()
    secret = env.secret_by_name(config.secret_env_var) if config.secret_env_var else ""
    if config.kind == "openai_compatible":
        from azora.ai_routing.adapters.openai_compatible import OpenAICompatibleProvider

        return OpenAICompatibleProvider(base_url=config.base_url, api_key=secret)
    if config.kind == "anthropic":
        from azora.ai_routing.adapters.anthropic import AnthropicProvider

        return AnthropicProvider(base_url=config.base_url, api_key=secret)
    raise KeyError(config.kind)
