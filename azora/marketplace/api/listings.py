"""The marketplace listings API."""

from ninja import Router

router = Router()
