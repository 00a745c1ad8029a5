"""The revenue /api/v1 routes for plans, course prices."""

from ninja import Router

router = Router()
