"""Azora Education's /api/v1 routes: courses and learning, assessments and grades, certificates."""

from ninja import Router

from azora.education.api.assessments import router as assessments_router
from azora.education.api.certificates import router as certificates_router
from azora.education.api.courses import router as courses_router

router = Router(tags=["education"])
router.add_router("", courses_router)
router.add_router("", assessments_router)
router.add_router("", certificates_router)
