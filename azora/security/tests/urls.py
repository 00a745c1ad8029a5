"""The real URL map plus a few views that only the security-header tests need."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt

from config.urls import urlpatterns as real_urlpatterns

_NONCE_PAGE = engines["django"].from_string('<!doctype html><script nonce="{{ csp_nonce }}">let a = 1;</script>')


def page_with_inline_script(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_NONCE_PAGE.render({}, request))


def crashing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, on purpose")


def cached_api_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("{}", content_type="application/json")
    response["Cache-Control"] = "private, max-age=60"
    return response


@xframe_options_exempt
def embeddable_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("embeddable")


urlpatterns = [
    path("test-security/nonce/", page_with_inline_script),
    path("test-security/crash/", crashing_view),
    path("test-security/embeddable/", embeddable_view),
    path("api/test-security/cached/", cached_api_view),
    *real_urlpatterns,
]
