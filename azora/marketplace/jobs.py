"""Azora Marketplace's periodic jobs for escrow and reviews: auto-release and publishing."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.marketplace.services import escrow, reviews
from azora.shared.scheduling import periodic


@periodic(name="marketplace.release_due_milestones", every=dt.timedelta(minutes=15))
@task()
def release_due_milestones_task() -> int:
    """Releases submitted milestones nobody answered within AZORA_MARKETPLACE_AUTO_RELEASE_DAYS (MilestoneReleased
    with automatic=True); the hold posts to the seller's earnings minus the fee."""
    return escrow.milestones_release_due()


@periodic(name="marketplace.publish_due_reviews", every=dt.timedelta(minutes=15))
@task()
def publish_due_reviews_task() -> int:
    """Publishes reviews whose blind period (AZORA_MARKETPLACE_REVIEW_BLIND_DAYS) passed without the other side's."""
    return reviews.reviews_publish_due()
