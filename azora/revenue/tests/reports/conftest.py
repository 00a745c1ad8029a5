"""The reports tests use the checkout tests' people: a PRO instructor, a learner and a finance admin."""

from azora.revenue.tests.checkout.conftest import finance_admin, instructor, learner, snapshot

__all__ = ["finance_admin", "instructor", "learner", "snapshot"]
