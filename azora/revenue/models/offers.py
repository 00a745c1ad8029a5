"""Upgrade offers made to learners on FREE: what triggered them, what they give, and whether they were taken."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = [
    "OfferKind",
    "OfferStatus",
    "UpgradeOffer",
]


class OfferKind(models.TextChoices):
    # xgettext:no-python-format
    PROGRESS = "progress", _("50% off PRO for reaching 40% of a course")
    FIRST_PASS = "first_pass", _("A 7-day PRO trial for a first passed assessment")
    # xgettext:no-python-format
    COMPLETION = "completion", _("30% off PRO for completing a course")


class OfferStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")


class UpgradeOffer(PublicModel):
    """An offer to a learner; at most one active at a time, each kind at most once per learner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=OfferKind.choices)
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default=OfferStatus.ACTIVE)
    plan_code = models.SlugField(max_length=32, default="pro")
    percent_off_bp = models.PositiveIntegerField(default=0)
    trial_days = models.PositiveSmallIntegerField(default=0)
    course_id = models.UUIDField(null=True, blank=True)
    event_id = models.UUIDField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # What used a discount offer (checkout's order id); empty until used. A trial offer is used by its acceptance.
    used_reference = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="active"), name="rev_one_active_offer_per_user"
            ),
            models.UniqueConstraint(fields=["user", "kind"], name="rev_offer_kind_once_per_user"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="rev_offer_expiry_idx")]
