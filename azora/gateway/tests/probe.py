"""A probe API for the gateway's tests: endpoints with real side effects, mounted like the real API."""

from __future__ import annotations

import threading
import uuid

from django.contrib.auth.models import Group
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from azora.accounts.public import Principal
from azora.gateway.assembly import build_api
from azora.shared.errors import DomainError
from azora.shared.pagination import Paged, PageParams, paginate_queryset

router = Router()

# Set by a test to hold the slow endpoint inside its side effect; released by the test.
slow_entered = threading.Event()
slow_release = threading.Event()


class GroupIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    count: int = 1


class GroupOut(Schema):
    id: int
    name: str


class PrincipalOut(Schema):
    via: str
    user_id: str | None
    api_key_id: str | None
    scopes: list[str] | None


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    status = 409
    title = "The quota is used up."


def _group_create(name: str) -> Group:
    """A new group named `name#<random>`: group names are unique, and a repeat must be a new row."""
    return Group.objects.create(name=f"{name}#{uuid.uuid4().hex[:12]}")


@router.post("/groups", response={201: GroupOut})
def group_create(request: HttpRequest, payload: GroupIn) -> Status[Group]:
    return Status(201, _group_create(payload.name))


@router.get("/groups", response=Paged[GroupOut])
def group_list(request: HttpRequest, page: Query[PageParams]) -> object:
    return paginate_queryset(
        Group.objects.all(), cursor=page.cursor, limit=page.limit, to_item=lambda g: g, ordering=("name", "id")
    )


@router.post("/slow-groups", response={201: GroupOut})
def slow_group_create(request: HttpRequest, payload: GroupIn) -> Status[Group]:
    slow_entered.set()
    slow_release.wait(timeout=30)
    return Status(201, _group_create(payload.name))


@router.post("/flaky-groups", response={201: GroupOut})
def flaky_group_create(request: HttpRequest, payload: GroupIn) -> Status[Group]:
    """Fails (500) until a group named "ready" exists."""
    if not Group.objects.filter(name__startswith="ready").exists():
        raise RuntimeError("backend not ready: secret-internal-detail")
    return Status(201, _group_create(payload.name))


@router.post("/touch", response={201: GroupOut})
def touch(request: HttpRequest) -> Status[Group]:
    """Takes no body: creates a group named "touched"."""
    return Status(201, _group_create("touched"))


@router.get("/whoami", response=PrincipalOut)
def whoami(request: HttpRequest) -> PrincipalOut:
    principal = request.auth  # type: ignore[attr-defined]
    assert isinstance(principal, Principal)
    return PrincipalOut(
        via=principal.via,
        user_id=str(principal.user_id) if principal.user_id else None,
        api_key_id=str(principal.api_key_id) if principal.api_key_id else None,
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
    )


@router.post("/quota")
def quota(request: HttpRequest) -> None:
    raise QuotaExceeded("You have used 10 of 10.", extra={"limit": 10})


@router.get("/crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("secret-internal-detail")


@router.get("/missing-object")
def missing_object(request: HttpRequest) -> None:
    Group.objects.get(name="no such group")


@router.get("/missing-http404")
def missing_http404(request: HttpRequest) -> None:
    raise Http404("secret-internal-detail")


@router.get("/public", auth=None)
def public(request: HttpRequest) -> dict[str, bool]:
    return {"ok": True}


def django_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail")


api = build_api(routers=[("/probe", router)], urls_namespace="probe-api")

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/django-crash", django_crash),
    path("html/django-crash", django_crash),
]

handler400 = "azora.gateway.views.bad_request"
handler403 = "azora.gateway.views.permission_denied"
handler404 = "azora.gateway.views.page_not_found"
handler500 = "azora.gateway.views.server_error"
