"""The Education Revenue Engine's contract for other apps and the portals: each area's functions and dataclasses."""

from azora.revenue.public.checkout import *  # noqa: F403 -- the package re-exports each area's __all__
from azora.revenue.public.offers import *  # noqa: F403
from azora.revenue.public.pricing import *  # noqa: F403
from azora.revenue.public.reports import *  # noqa: F403
from azora.revenue.public.rewards import *  # noqa: F403
from azora.revenue.public.subscriptions import *  # noqa: F403
