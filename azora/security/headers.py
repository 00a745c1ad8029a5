"""Security headers every response carries, beyond those Django's SecurityMiddleware and CSP middleware set."""

from __future__ import annotations

# JSON and sign-in responses hold personal data and one-time secrets: no shared or browser cache keeps them.
NO_STORE_PREFIXES = ("/api/", "/accounts/", "/_allauth/")


def default_security_headers(*, path: str, permissions_policy: str, frame_options: str) -> dict[str, str]:
    """Headers a response gets unless it already set its own.

    X-Frame-Options is normally set by Django's XFrameOptionsMiddleware; responses that never reach it
    (static files served by WhiteNoise, refusals of outer middleware) get it here.
    """
    headers = {
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": frame_options,
    }
    if permissions_policy:
        headers["Permissions-Policy"] = permissions_policy
    if path.startswith(NO_STORE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return headers
