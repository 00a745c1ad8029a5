"""The onboarding API: flows (filled in by its owner)."""

from ninja import Router

router = Router()
