"""The exact-match response cache: key = hash of provider, model, messages and parameters; TTL 1 hour; bounded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from azora.ai_routing.public import ChatMessage, Citation
from azora.ai_routing.resilience import clock, degrade_to


@dataclass(frozen=True)
class CachedAnswer:
    text: str
    model: str
    tokens_in: int
    tokens_out: int
    citations: tuple[Citation, ...]


def cache_key(
    *, provider: str, model: str, messages: Sequence[ChatMessage], max_tokens: int, temperature: float | None
) -> str:
    payload = json.dumps(
        {
            "provider": provider,
            "model": model,
            "messages": [[m.role, m.content] for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "ai:answer:" + hashlib.sha256(payload.encode()).hexdigest()


@degrade_to(None)
def cache_get(key: str) -> CachedAnswer | None:
    value = cache.get(key)
    return value if isinstance(value, CachedAnswer) else None


@degrade_to(False)
def cache_put(key: str, answer: CachedAnswer, *, ttl_seconds: int, max_entries: int, max_characters: int) -> bool:
    """Store `answer`; False (not stored) when it is too long or this TTL window already holds `max_entries` new ones.

    Entries expire after the TTL, so at most about 2 x max_entries are alive at any time: bounded in any backend.
    """
    if len(answer.text) > max_characters:
        return False
    window = f"ai:answer-count:{int(clock() // max(ttl_seconds, 1))}"
    cache.add(window, 0, ttl_seconds * 2)
    try:
        stored = int(cache.incr(window))
    except ValueError:
        cache.set(window, 1, ttl_seconds * 2)
        stored = 1
    if stored > max_entries:
        return False
    cache.set(key, answer, ttl_seconds)
    return True
