"""Azora Marketplace's tables, one module per area (ADR 0010)."""

from azora.marketplace.models.applications import *  # noqa: F403 -- the package re-exports each area's models
from azora.marketplace.models.contracts import *  # noqa: F403
from azora.marketplace.models.listings import *  # noqa: F403
from azora.marketplace.models.reviews import *  # noqa: F403
from azora.marketplace.models.skills import *  # noqa: F403
