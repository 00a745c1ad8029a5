"""Azora Marketplace's contract for portals and the agents: skills and profiles, listings and search, matching,
applications, contracts with escrow, disputes and reviews. See docs/marketplace.md.
"""

from azora.marketplace.public.applications import *  # noqa: F403 -- the package re-exports each area's functions
from azora.marketplace.public.contracts import *  # noqa: F403
from azora.marketplace.public.listings import *  # noqa: F403
from azora.marketplace.public.matching import *  # noqa: F403
from azora.marketplace.public.skills import *  # noqa: F403
from azora.marketplace.public.views import *  # noqa: F403
