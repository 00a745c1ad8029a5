"""The agents API: oversight (filled in by its owner)."""

from ninja import Router

router = Router()
