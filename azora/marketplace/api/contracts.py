"""The marketplace contracts API."""

from ninja import Router

router = Router()
