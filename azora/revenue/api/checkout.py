"""The revenue /api/v1 routes for checkout, earnings and payouts."""

from ninja import Router

router = Router()
