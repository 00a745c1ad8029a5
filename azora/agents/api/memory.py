"""The agents API: memory (filled in by its owner)."""

from ninja import Router

router = Router()
