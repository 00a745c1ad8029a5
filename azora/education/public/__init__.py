"""Azora Education's contract for other apps and the portals: each area's functions and frozen dataclasses."""

from azora.education.public.assessments import *  # noqa: F403 -- the package re-exports each area's __all__
from azora.education.public.certificates import *  # noqa: F403
from azora.education.public.courses import *  # noqa: F403
from azora.education.public.enrollment_gates import *  # noqa: F403
from azora.education.public.integrity import *  # noqa: F403
from azora.education.public.knowledge import *  # noqa: F403
from azora.education.public.placement import *  # noqa: F403
from azora.education.public.recommendations import *  # noqa: F403
