"""The pure rate-limit rules: rates, the table and its overrides, routes, decisions and headers."""

from __future__ import annotations

import pytest

from azora.security.rules import (
    DEFAULT_LIMITS,
    HOUR,
    MINUTE,
    Count,
    Limit,
    PolicyState,
    RateLimitConfigError,
    Route,
    evaluate,
    limits_for,
    limits_with_overrides,
    parse_rate,
    rate_limit_headers,
    retry_after,
    route_for,
)

LOGIN_IP = Limit("login-ip", "login", "ip", 10, 60)
LOGIN_ACCOUNT = Limit("login-account", "login", "account", 5, 900)
AUTH_ROUTES = {
    "/accounts/login/": Route(action="login", answers_json=False),
    "/_allauth/app/v1/auth/login": Route(action="login", answers_json=True),
}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("10/1m", (10, 60)),
        ("5/15m", (5, 900)),
        ("600/60", (600, 60)),
        ("3/h", (3, 3600)),
        (" 7 / 2d ", (7, 172800)),
        ("1/30s", (1, 30)),
        ((20, 60), (20, 60)),
        ([20, 60], (20, 60)),
    ],
)
def test_parse_rate_reads_every_spelling(spec: str | tuple[int, int], expected: tuple[int, int]) -> None:
    assert parse_rate(spec) == expected


@pytest.mark.parametrize("spec", ["", "ten/1m", "10", "10/1w", "0/1m", "10/0", "-1/60", (10,), (10, "60"), (True, 60)])
def test_parse_rate_refuses_nonsense(spec: object) -> None:
    with pytest.raises(RateLimitConfigError):
        parse_rate(spec)  # type: ignore[arg-type]  # wrong on purpose


def test_default_table_has_unique_names_and_ip_and_account_limits_for_every_sign_in_flow() -> None:
    names = [limit.name for limit in DEFAULT_LIMITS]
    assert len(names) == len(set(names))
    for action in ("signup", "login", "password_reset", "mfa"):
        assert {limit.counts_by for limit in limits_for(action, DEFAULT_LIMITS)} == {"ip", "account"}
    assert {limit.counts_by for limit in limits_for("api", DEFAULT_LIMITS)} == {"credential", "anonymous_ip"}


def test_default_rates_are_the_documented_ones() -> None:
    rates = {limit.name: (limit.limit, limit.window) for limit in DEFAULT_LIMITS}
    assert rates == {
        "signup-ip": (5, HOUR),
        "signup-account": (3, HOUR),
        "login-ip": (10, MINUTE),
        "login-account": (5, 15 * MINUTE),
        "password-reset-ip": (5, HOUR),
        "password-reset-account": (3, HOUR),
        "mfa-ip": (30, 15 * MINUTE),
        "mfa-account": (10, 15 * MINUTE),
        "api-credential": (600, MINUTE),
        "api-anonymous": (120, MINUTE),
    }


def test_overrides_change_a_rate_and_switch_a_limit_off() -> None:
    limits = limits_with_overrides({"login-ip": "20/2m", "login-account": None}, defaults=(LOGIN_IP, LOGIN_ACCOUNT))
    assert limits == (Limit("login-ip", "login", "ip", 20, 120),)


def test_no_overrides_leave_the_table_as_it_is() -> None:
    assert limits_with_overrides({}) == DEFAULT_LIMITS


def test_overriding_an_unknown_limit_is_refused() -> None:
    with pytest.raises(RateLimitConfigError, match="login-ipp"):
        limits_with_overrides({"login-ipp": "1/1m"})


def test_only_posts_to_sign_in_flows_count() -> None:
    assert route_for(path="/accounts/login/", method="POST", auth_routes=AUTH_ROUTES, api_prefix="/api/") == Route(
        action="login", answers_json=False
    )
    assert route_for(path="/accounts/login/", method="GET", auth_routes=AUTH_ROUTES, api_prefix="/api/") is None
    assert route_for(
        path="/_allauth/app/v1/auth/login", method="POST", auth_routes=AUTH_ROUTES, api_prefix="/api/"
    ) == Route(action="login", answers_json=True)


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE", "HEAD"])
def test_every_api_method_counts(method: str) -> None:
    route = route_for(path="/api/v1/me", method=method, auth_routes=AUTH_ROUTES, api_prefix="/api/")
    assert route == Route(action="api", answers_json=True)


def test_cors_preflights_and_other_paths_do_not_count() -> None:
    assert route_for(path="/api/v1/me", method="OPTIONS", auth_routes=AUTH_ROUTES, api_prefix="/api/") is None
    assert route_for(path="/livez", method="GET", auth_routes=AUTH_ROUTES, api_prefix="/api/") is None
    assert route_for(path="/accounts/logout/", method="POST", auth_routes=AUTH_ROUTES, api_prefix="/api/") is None


def test_a_count_within_the_limit_is_allowed_with_what_remains() -> None:
    assert evaluate(LOGIN_IP, Count(count=3, reset_after=41.2)) == PolicyState(
        limit=LOGIN_IP, remaining=7, reset_after=42, exceeded=False
    )


def test_the_last_allowed_request_leaves_nothing_and_the_next_is_refused() -> None:
    assert evaluate(LOGIN_IP, Count(count=10, reset_after=60)) == PolicyState(LOGIN_IP, 0, 60, False)
    assert evaluate(LOGIN_IP, Count(count=11, reset_after=59.001)) == PolicyState(LOGIN_IP, 0, 60, True)


def test_reset_is_whole_seconds_between_one_and_the_window() -> None:
    assert evaluate(LOGIN_IP, Count(count=1, reset_after=0.001)).reset_after == 1
    assert evaluate(LOGIN_IP, Count(count=1, reset_after=0)).reset_after == 1
    assert evaluate(LOGIN_IP, Count(count=1, reset_after=75)).reset_after == 60


def test_retry_after_waits_for_every_exceeded_limit() -> None:
    states = [PolicyState(LOGIN_IP, 0, 30, True), PolicyState(LOGIN_ACCOUNT, 0, 800, True)]
    assert retry_after(states) == 800
    assert retry_after([PolicyState(LOGIN_IP, 0, 30, True), PolicyState(LOGIN_ACCOUNT, 2, 800, False)]) == 30
    assert retry_after([PolicyState(LOGIN_IP, 4, 30, False)]) is None
    assert retry_after([]) is None


def test_headers_follow_the_ietf_draft() -> None:
    states = [PolicyState(LOGIN_IP, 0, 42, True), PolicyState(LOGIN_ACCOUNT, 4, 900, False)]
    assert rate_limit_headers(states) == {
        "RateLimit-Policy": '"login-ip";q=10;w=60, "login-account";q=5;w=900',
        "RateLimit": '"login-ip";r=0;t=42, "login-account";r=4;t=900',
    }
    assert rate_limit_headers([]) == {}
