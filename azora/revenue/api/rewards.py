"""The revenue /api/v1 routes for rewards and offers."""

from ninja import Router

router = Router()
