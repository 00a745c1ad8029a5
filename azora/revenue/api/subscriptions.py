"""The revenue /api/v1 routes for subscriptions."""

from ninja import Router

router = Router()
