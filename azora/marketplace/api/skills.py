"""The marketplace skills API."""

from ninja import Router

router = Router()
