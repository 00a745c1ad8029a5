"""Builds the /api/v1 NinjaAPI: mounts each app's router, error handlers and auth."""

from __future__ import annotations

from ninja import NinjaAPI


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Azora API",
        version="1",
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.get("/ping", auth=None, include_in_schema=False)
    def ping(request):  # type: ignore[no-untyped-def]
        return {"ok": True}

    return api
