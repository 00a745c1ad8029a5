"""Health Monitor's contract for other apps and the portals: probes and their history, SLOs, incidents, status."""

from azora.health.public.probes import *  # noqa: F403
from azora.health.public.probes import __all__ as _probes_all
from azora.health.public.status import *  # noqa: F403
from azora.health.public.status import __all__ as _status_all

__all__ = [*_probes_all, *_status_all]
