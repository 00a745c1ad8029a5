"""The Elara AI Orchestrator's tables, one module per area (ADR 0010)."""

from azora.agents.models.allowance import *  # noqa: F403
from azora.agents.models.conversations import *  # noqa: F403 -- the package re-exports each area's models
from azora.agents.models.memory import *  # noqa: F403
from azora.agents.models.roster import *  # noqa: F403
