"""Learn-to-earn: each AZR reward for verified learning with its proof, and AZR redeemed for discounts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = [
    "Redemption",
    "Reward",
    "RewardItem",
    "RewardStatus",
]


class RewardItem(models.TextChoices):
    COURSE_COMPLETION = "course_completion", _("Course completed")
    LESSON_COMPLETION = "lesson_completion", _("Lesson completed")
    ASSESSMENT_PASSED = "assessment_passed", _("Assessment passed")
    CERTIFICATE_EARNED = "certificate_earned", _("Certificate earned")


class RewardStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    CAPPED = "capped", _("Over the monthly or daily cap")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class Reward(PublicModel):
    """One reward decision per learner and item (a retake or a redelivered event finds this row and pays nothing).

    `proof` holds the event id and every input of the formula; `amount_minor` is AZR (0 when capped).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=24, choices=RewardItem.choices)
    item_id = models.UUIDField()
    course_id = models.UUIDField()
    event_id = models.UUIDField()
    status = models.CharField(max_length=16, choices=RewardStatus.choices)
    amount_minor = models.BigIntegerField(default=0)
    proof = models.JSONField(default=dict)
    transfer_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "item", "item_id"], name="rev_reward_once_per_item")]
        indexes = [models.Index(fields=["user", "status", "created_at"], name="rev_reward_user_month_idx")]


class Redemption(PublicModel):
    """AZR a learner gave up for a discount; the ledger transfer burns and returns it (finance's redemption)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    azr_minor = models.BigIntegerField()
    discount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    reference = models.CharField(max_length=200, unique=True)
    transfer_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-id"]
