"""Two-sided reviews after a contract ends, hidden until both sides are in or the blind period passes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.marketplace.models.contracts import Contract
from azora.shared.models import PublicModel

__all__ = ["Review", "ReviewSide"]


class ReviewSide(models.TextChoices):
    CLIENT = "client", _("By the client")
    SELLER = "seller", _("By the seller")


class Review(PublicModel):
    """One side's review of the other. `text` is stored as the constitution's output rails returned it (personal
    data redacted); `published_at` is set when both sides are in or the blind period has passed."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=8, choices=ReviewSide.choices)
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    publish_after = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "side"], name="market_review_once_per_side"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="market_review_rating"),
        ]
        indexes = [
            models.Index(fields=["subject", "published_at"], name="market_review_subject_idx"),
            models.Index(fields=["published_at", "publish_after"], name="market_review_publish_idx"),
        ]
