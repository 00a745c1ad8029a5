"""A URL map for the observability tests: the real health and metrics routes plus views that log and fail."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from azora.shared.observability.context import bind_user_id
from azora.shared.observability.logging import get_logger

log = get_logger("azora.tests.observability")


def item_view(request: HttpRequest, item_id: int) -> JsonResponse:
    log.info("item_read", item_id=item_id, password="hunter2-secret", note="Authorization: Bearer abc.def.ghi")
    return JsonResponse({"id": item_id})


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


def unavailable_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("down for maintenance", status=503)


def outgoing_view(request: HttpRequest) -> JsonResponse:
    """Calls another service, as payment and AI adapters do; the target is the test's local receiver."""
    import requests

    reply = requests.get(request.GET["target"], timeout=5)
    return JsonResponse({"upstream_status": reply.status_code})


def not_found_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The site's 404 page links to portal URLs this test map does not have.
    return HttpResponse("not found", status=404)


handler404 = not_found_view


def api_user_view(request: HttpRequest) -> JsonResponse:
    # As an API auth class does once it has verified a bearer token.
    bind_user_id("0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000")
    log.warning("api_user_seen")
    return JsonResponse({})


urlpatterns = [
    path("", include("azora.health.urls")),
    path("", include("azora.shared.observability.urls")),
    path("items/<int:item_id>", item_view, name="item"),
    path("failing", failing_view, name="failing"),
    path("api-user", api_user_view, name="api-user"),
    path("unavailable", unavailable_view, name="unavailable"),
    path("outgoing", outgoing_view, name="outgoing"),
]
