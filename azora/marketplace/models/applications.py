"""Applications to jobs and proposals for gigs, their status history, and the message thread of each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.marketplace.models.listings import Listing
from azora.shared.models import PublicModel

__all__ = [
    "Application",
    "ApplicationStatus",
    "ApplicationTransition",
    "Message",
]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWING = "reviewing", _("In review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEWING = "interviewing", _("Interviewing")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(PublicModel):
    """An application to a job, or a proposal for a gig (the listing's kind tells which); one per person and listing.

    `match_score` is the score when it was submitted (for the poster's ranking when the profile has since gone);
    the ranking shown is computed fresh with its reasons.
    """

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cover_letter = models.TextField()
    portfolio_links = models.JSONField(default=list, blank=True)
    expected_pay_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=8)
    availability = models.CharField(max_length=200, blank=True, default="")
    available_from = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    match_score = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["listing", "applicant"], name="market_application_once")]
        indexes = [
            models.Index(fields=["applicant", "-id"], name="market_application_mine_idx"),
            models.Index(fields=["listing", "status"], name="market_application_listing_idx"),
        ]


class ApplicationTransition(models.Model):
    """One status change of an application (append-only): who moved it, from what to what, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ApplicationStatus.choices, blank=True, default="")
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class Message(PublicModel):
    """A message between the poster and the applicant, in the application's thread."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["application_id", "id"]
