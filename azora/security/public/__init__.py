"""Azora Aegis's contract for other apps and the portals: the edge (client IP, rate limits, IP rules), security
events, moderation, the audit trail and data protection."""

from azora.security.public.audit import *  # noqa: F403
from azora.security.public.audit import __all__ as _audit_all
from azora.security.public.edge import *  # noqa: F403
from azora.security.public.edge import __all__ as _edge_all
from azora.security.public.events import *  # noqa: F403
from azora.security.public.events import __all__ as _events_all
from azora.security.public.moderation import *  # noqa: F403
from azora.security.public.moderation import __all__ as _moderation_all
from azora.security.public.privacy import *  # noqa: F403
from azora.security.public.privacy import __all__ as _privacy_all

__all__ = [*_audit_all, *_edge_all, *_events_all, *_moderation_all, *_privacy_all]
