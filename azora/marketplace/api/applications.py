"""The marketplace applications API."""

from ninja import Router

router = Router()
