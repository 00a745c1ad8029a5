"""Azora Education's tables, one module per area: courses and learning, assessments, certificates."""

from azora.education.models.assessments import *  # noqa: F403 -- the package re-exports each area's models
from azora.education.models.certificates import *  # noqa: F403
from azora.education.models.courses import *  # noqa: F403
