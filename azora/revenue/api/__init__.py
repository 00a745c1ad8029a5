"""The Education Revenue Engine's /api/v1 routes, one router per area."""

from ninja import Router

router = Router(tags=["revenue"])
