"""The Prometheus scrape endpoint, open to private networks and to holders of the metrics token."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from azora.shared.observability import metrics
from azora.shared.problems import problem_response


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not is_scrape_allowed(request):
        return problem_response(
            status=403, code="metrics_forbidden", request=request,
            title="Metrics are served to the private network or with the metrics token.",
        )  # fmt: skip
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


def is_scrape_allowed(request: HttpRequest) -> bool:
    return _has_metrics_token(request) or _is_private_caller(request)


def _has_metrics_token(request: HttpRequest) -> bool:
    expected = settings.AZORA_METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not presented:
        return False
    return hmac.compare_digest(presented.strip().encode(), expected.encode())


def _is_private_caller(request: HttpRequest) -> bool:
    """A caller on loopback or a private network, seen through exactly AZORA_TRUSTED_PROXY_COUNT proxies."""
    address = client_address(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def client_address(request: HttpRequest, *, trusted_proxy_count: int) -> str | None:
    """The caller's address; None when a proxy we were not told to trust forwarded it (its origin is unknown)."""
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded: list[str] = [part.strip() for part in header.split(",") if part.strip()]
    if trusted_proxy_count == 0:
        return None if forwarded else str(request.META.get("REMOTE_ADDR", "")) or None
    if len(forwarded) < trusted_proxy_count:
        return None
    return forwarded[-trusted_proxy_count]
