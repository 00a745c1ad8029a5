"""AI Routing's probes for the Health Monitor: at least one active provider can take a call now.

External providers are judged by their configuration (the secret's variable is set) and their circuit breaker,
which real chats keep up to date: a probe round never calls a paid provider. The built-in offline provider costs
nothing, so it answers a tiny question on every round.
"""

from __future__ import annotations

from azora.ai_routing import adapters, resilience, selectors
from azora.ai_routing.adapters.local import LocalProvider
from azora.ai_routing.config import ProviderConfig
from azora.ai_routing.public import ChatMessage
from azora.health.public import ProbeResult, register_probe

PROBE_QUESTION = (ChatMessage(role="user", content="health check"),)


def provider_problem(config: ProviderConfig) -> str:
    """Why `config` cannot take a call now ("" when it can)."""
    if not adapters.secret_is_set(config):
        return f"{config.name}: {config.secret_env_var} is not set"
    if resilience.breaker_status(config.name).state == "open":
        return f"{config.name}: circuit open"
    if config.kind == "local" and not local_answers():
        return f"{config.name}: the offline assistant gave no answer"
    return ""


def local_answers() -> bool:
    request = adapters.ProviderRequest(
        model="", messages=PROBE_QUESTION, max_tokens=16, temperature=None, timeout_seconds=1.0
    )
    return bool(LocalProvider().complete(request).text.strip())


def providers_available() -> ProbeResult | None:
    """Fails when no active provider can answer; the error lists each one's reason."""
    configs = selectors.provider_configs(active_only=True)
    if not configs:
        return ProbeResult.failed("no AI provider is active")
    problems = [provider_problem(config) for config in configs]
    if all(problems):
        return ProbeResult.failed("; ".join(problems))
    return None


register_probe("ai_providers", providers_available, service="ai_routing")
