"""The per-learner, per-month question allowance row that makes the check-and-count of a question atomic."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from azora.shared.models import PublicModel

__all__ = ["QuestionAllowance"]


class QuestionAllowance(PublicModel):
    """One row per learner and calendar month (UTC). The answered questions themselves are counted from the stored
    messages (the one source of truth for "used"); this row holds the questions being answered right now
    (`in_flight`) and is the row locked while a new question is checked against the plan's limit, so two
    concurrent questions cannot both take the last slot (services/allowance.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    in_flight = models.PositiveIntegerField(default=0)
    reserved_at = models.DateTimeField(null=True, blank=True)  # the latest reservation, to forget stale ones

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="agents_allowance_one_per_month")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}: {self.in_flight} in flight"
