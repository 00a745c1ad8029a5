"""The narrow configuration values AI Routing's pure code works with: providers and the router's settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    kind: str
    base_url: str
    model: str
    secret_env_var: str
    input_price_micros_per_million: int
    output_price_micros_per_million: int
    context_window: int
    capabilities: tuple[str, ...]
    requests_per_minute: int
    tokens_per_minute: int
    timeout_ms: int
    priority: int
    weight: int
    tier: str

    @property
    def is_external(self) -> bool:
        return self.kind != "local"

    def cost_micros(self, tokens_in: int, tokens_out: int) -> int:
        """Cost in micro-units, rounded up (a fraction of a micro-unit is still charged)."""
        total = tokens_in * self.input_price_micros_per_million + tokens_out * self.output_price_micros_per_million
        return -(-total // 1_000_000)


@dataclass(frozen=True)
class RouterSettings:
    currency: str
    strategy: str
    default_max_tokens: int
    tier_latency_ms: dict[str, int]
    retries: int
    retry_backoff_ms: int
    breaker_failures: int
    breaker_open_seconds: int
    breaker_successes: int
    user_rpm: int
    user_tpm: int
    key_rpm: int
    key_tpm: int
    cache_ttl_seconds: int
    cache_max_entries: int
    cache_max_characters: int
    alert_percents: tuple[int, ...]
    require_guard: bool


def router_settings() -> RouterSettings:
    return RouterSettings(
        currency=settings.AZORA_AI_CURRENCY,
        strategy=settings.AZORA_AI_STRATEGY,
        default_max_tokens=settings.AZORA_AI_DEFAULT_MAX_TOKENS,
        tier_latency_ms=dict(settings.AZORA_AI_TIER_LATENCY_MS),
        retries=settings.AZORA_AI_RETRIES,
        retry_backoff_ms=settings.AZORA_AI_RETRY_BACKOFF_MS,
        breaker_failures=settings.AZORA_AI_BREAKER_FAILURES,
        breaker_open_seconds=settings.AZORA_AI_BREAKER_OPEN_SECONDS,
        breaker_successes=settings.AZORA_AI_BREAKER_SUCCESSES,
        user_rpm=settings.AZORA_AI_USER_RPM,
        user_tpm=settings.AZORA_AI_USER_TPM,
        key_rpm=settings.AZORA_AI_KEY_RPM,
        key_tpm=settings.AZORA_AI_KEY_TPM,
        cache_ttl_seconds=settings.AZORA_AI_CACHE_TTL_SECONDS,
        cache_max_entries=settings.AZORA_AI_CACHE_MAX_ENTRIES,
        cache_max_characters=settings.AZORA_AI_CACHE_MAX_CHARACTERS,
        alert_percents=tuple(settings.AZORA_AI_BUDGET_ALERT_PERCENTS),
        require_guard=bool(settings.AZORA_AI_REQUIRE_GUARD) or settings.AZORA_MODE == "production",
    )
