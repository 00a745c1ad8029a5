"""The finance app's /api/v1 routes."""

from ninja import Router

router = Router(tags=["finance"])
