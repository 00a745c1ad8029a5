"""The revenue /api/v1 routes for revenue reports."""

from ninja import Router

router = Router()
