"""The Elara AI Orchestrator's contract for other apps and portals: agents, conversations, memory and oversight.

Every model call goes through `ai_routing.public`, every input and output through the constitution's guard.
See docs/agents.md.
"""

from azora.agents.public.conversations import *  # noqa: F403 -- the package re-exports each area's functions
from azora.agents.public.guidance import *  # noqa: F403
from azora.agents.public.memory import *  # noqa: F403
from azora.agents.public.oversight import *  # noqa: F403
from azora.agents.public.views import *  # noqa: F403
