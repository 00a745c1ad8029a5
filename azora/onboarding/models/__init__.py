"""Elara Onboarding's tables, one module per area (ADR 0010)."""

from azora.onboarding.models.flows import *  # noqa: F403 -- the package re-exports each area's models
from azora.onboarding.models.placement import *  # noqa: F403
