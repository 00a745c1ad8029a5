"""Education API routes for courses."""

from ninja import Router

router = Router()
