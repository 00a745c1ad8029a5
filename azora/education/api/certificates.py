"""Education API routes for certificates."""

from ninja import Router

router = Router()
