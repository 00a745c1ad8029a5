"""Rate-limit rules: the one table of limits, their settings overrides, route matching and the pure decision."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Action = Literal["signup", "login", "password_reset", "mfa", "api"]
# What a limit counts by: the client's IP, the account a request is about (the submitted email, or the
# signed-in or half-signed-in user for MFA), the API credential presented, or the IP of an anonymous API caller.
CountsBy = Literal["ip", "account", "credential", "anonymous_ip"]

MINUTE = 60
HOUR = 60 * MINUTE

_RATE = re.compile(r"^\s*(?P<count>\d+)\s*/\s*(?P<amount>\d+)?\s*(?P<unit>[smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": MINUTE, "h": HOUR, "d": 24 * HOUR}


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `limit` counted requests per `window` seconds for one identity, per `action`."""

    name: str
    action: Action
    counts_by: CountsBy
    limit: int
    window: int


# The one table of limits. Settings can change a limit's rate or switch it off (AZORA_RATE_LIMITS).
DEFAULT_LIMITS: tuple[Limit, ...] = (
    Limit("signup-ip", "signup", "ip", 5, HOUR),
    Limit("signup-account", "signup", "account", 3, HOUR),
    Limit("login-ip", "login", "ip", 10, MINUTE),
    Limit("login-account", "login", "account", 5, 15 * MINUTE),
    Limit("password-reset-ip", "password_reset", "ip", 5, HOUR),
    Limit("password-reset-account", "password_reset", "account", 3, HOUR),
    Limit("mfa-ip", "mfa", "ip", 30, 15 * MINUTE),
    Limit("mfa-account", "mfa", "account", 10, 15 * MINUTE),
    Limit("api-credential", "api", "credential", 600, MINUTE),
    Limit("api-anonymous", "api", "anonymous_ip", 120, MINUTE),
)

RateOverride = str | tuple[int, int] | None


class RateLimitConfigError(ValueError):
    """AZORA_RATE_LIMITS names an unknown limit or spells a rate wrongly."""


def parse_rate(spec: str | Sequence[int]) -> tuple[int, int]:
    """`"10/1m"`, `"5/15m"`, `"600/60"` (seconds), `"3/h"` or `(10, 60)` -> (limit, window seconds)."""
    if isinstance(spec, str):
        match = _RATE.match(spec)
        if match is None:
            raise RateLimitConfigError(f"{spec!r} is not a rate such as '10/1m', '5/15m' or '600/60'.")
        limit = int(match["count"])
        window = int(match["amount"] or 1) * _UNIT_SECONDS[match["unit"]]
    else:
        if len(spec) != 2 or not all(isinstance(part, int) and not isinstance(part, bool) for part in spec):
            raise RateLimitConfigError(f"{spec!r} is not a (limit, window seconds) pair.")
        limit, window = spec[0], spec[1]
    if limit < 1 or window < 1:
        raise RateLimitConfigError(f"{spec!r}: the limit and the window must both be at least 1.")
    return limit, window


def limits_with_overrides(
    overrides: Mapping[str, RateOverride], defaults: Iterable[Limit] = DEFAULT_LIMITS
) -> tuple[Limit, ...]:
    """The default table with each named limit's rate replaced, or dropped when its override is None."""
    table = {limit.name: limit for limit in defaults}
    unknown = sorted(set(overrides) - set(table))
    if unknown:
        raise RateLimitConfigError(f"Unknown rate limits {unknown}; known: {sorted(table)}.")
    result = []
    for name, limit in table.items():
        if name not in overrides:
            result.append(limit)
            continue
        override = overrides[name]
        if override is None:
            continue
        count, window = parse_rate(override)
        result.append(replace(limit, limit=count, window=window))
    return tuple(result)


def limits_for(action: Action, limits: Iterable[Limit]) -> tuple[Limit, ...]:
    return tuple(limit for limit in limits if limit.action == action)


@dataclass(frozen=True, slots=True)
class Route:
    """A rate-limited route: what it counts as, and whether its refusals are JSON problems or an HTML page."""

    action: Action
    answers_json: bool


def route_for(
    *, path: str, method: str, auth_routes: Mapping[str, Route], api_prefix: str
) -> Route | None:  # fmt: skip
    """The route a request counts against; None when it is not limited.

    Only POSTs to the sign-in flows count (a GET only shows a form). On the API every method counts
    except CORS preflights, which browsers send on their own.
    """
    route = auth_routes.get(path)
    if route is not None:
        return route if method == "POST" else None
    if path.startswith(api_prefix) and method != "OPTIONS":
        return Route(action="api", answers_json=True)
    return None


@dataclass(frozen=True, slots=True)
class Count:
    """What a counter store reports for one hit: the count in the current window and when it resets."""

    count: int
    reset_after: float


@dataclass(frozen=True, slots=True)
class PolicyState:
    """One limit after a hit: how many requests remain and in how many whole seconds the window resets."""

    limit: Limit
    remaining: int
    reset_after: int
    exceeded: bool


def evaluate(limit: Limit, counted: Count) -> PolicyState:
    # Whole seconds, rounded up and at least 1, so that a client that waits `t` seconds is never early.
    reset_after = max(1, min(limit.window, math.ceil(counted.reset_after)))
    return PolicyState(
        limit=limit,
        remaining=max(0, limit.limit - counted.count),
        reset_after=reset_after,
        exceeded=counted.count > limit.limit,
    )


def retry_after(states: Iterable[PolicyState]) -> int | None:
    """Seconds until every exceeded limit has reset; None when the request is allowed."""
    waits = [state.reset_after for state in states if state.exceeded]
    return max(waits) if waits else None


def rate_limit_headers(states: Sequence[PolicyState]) -> dict[str, str]:
    """The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers (structured lists)."""
    if not states:
        return {}
    policies = ", ".join(f'"{state.limit.name}";q={state.limit.limit};w={state.limit.window}' for state in states)
    current = ", ".join(f'"{state.limit.name}";r={state.remaining};t={state.reset_after}' for state in states)
    return {"RateLimit-Policy": policies, "RateLimit": current}
