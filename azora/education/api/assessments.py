"""Education API routes for assessments."""

from ninja import Router

router = Router()
