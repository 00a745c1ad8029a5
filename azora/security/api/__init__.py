"""Azora Aegis's /api/v1 routes, one router per area."""

from ninja import Router

from azora.security.api.audit import router as audit_router
from azora.security.api.events import router as events_router
from azora.security.api.ip_rules import router as ip_rules_router
from azora.security.api.moderation import router as moderation_router
from azora.security.api.privacy import router as privacy_router

router = Router(tags=["security"])
router.add_router("", events_router)
router.add_router("", ip_rules_router)
router.add_router("", audit_router)
router.add_router("", privacy_router)
router.add_router("", moderation_router)
