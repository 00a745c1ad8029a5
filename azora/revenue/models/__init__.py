"""The Education Revenue Engine's tables, one module per area (ADR 0010)."""

from azora.revenue.models.offers import *  # noqa: F403 -- the package re-exports each area's models
from azora.revenue.models.orders import *  # noqa: F403
from azora.revenue.models.plans import *  # noqa: F403
from azora.revenue.models.rewards import *  # noqa: F403
from azora.revenue.models.subscriptions import *  # noqa: F403
