"""Elara Onboarding's contract for portals: flows, resumable sessions, placement and learning paths.

See docs/onboarding.md.
"""

from azora.onboarding.public.flows import *  # noqa: F403 -- the package re-exports each area's functions
from azora.onboarding.public.placement import *  # noqa: F403
