"""Liveness (the process answers) and readiness (its dependencies answer) endpoints."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from azora.health.registry import run_readiness


def livez(request: HttpRequest) -> JsonResponse:
    """Touches nothing but the process itself: no database, no cache. Also the benchmark's bare view."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    report = run_readiness()
    return JsonResponse(report.as_dict(), status=200 if report.is_ready else 503)
