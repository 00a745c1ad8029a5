"""Listings (jobs and gigs), the skills each asks for, and a gig's milestones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from azora.marketplace.models.skills import Skill, SkillLevel
from azora.shared.models import PublicModel

__all__ = [
    "JobType",
    "Listing",
    "ListingKind",
    "ListingMilestone",
    "ListingSkill",
    "ListingStatus",
    "OpenRequirement",
    "PayPeriod",
]


class ListingKind(models.TextChoices):
    JOB = "job", _("Job")
    GIG = "gig", _("Gig")


class JobType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACT = "contract", _("Contract")
    INTERNSHIP = "internship", _("Internship")


class PayPeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    PROJECT = "project", _("for the project")  # a gig's fixed price


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class Listing(PublicModel):
    """A job or a gig. A job has a pay range per period; a gig a fixed price (pay_min = pay_max, period "project")
    split into milestones. `description_html` is the Markdown rendered and sanitised once, on write.

    Posted by `poster` for themself or, with `organisation_id`, on behalf of an organisation they manage.
    """

    kind = models.CharField(max_length=8, choices=ListingKind.choices)
    job_type = models.CharField(max_length=16, choices=JobType.choices, blank=True, default="")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, default="")
    description_html = models.TextField(blank=True, default="")
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation_id = models.UUIDField(null=True, blank=True, db_index=True)
    location = models.CharField(max_length=120, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    is_remote = models.BooleanField(default=False)
    currency = models.CharField(max_length=8)
    pay_min_minor = models.BigIntegerField()
    pay_max_minor = models.BigIntegerField()
    pay_period = models.CharField(max_length=8, choices=PayPeriod.choices)
    experience_years = models.PositiveSmallIntegerField(default=0)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    application_count = models.PositiveIntegerField(default=0)
    # Denormalised on write for search: the skill names and aliases, indexed with the text, and
    # the poster's name as shown (the organisation's or the person's), so a search page needs no cross-app lookup.
    skills_text = models.TextField(blank=True, default="")
    poster_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pay_min_minor__gte=0) & models.Q(pay_max_minor__gte=models.F("pay_min_minor")),
                name="market_listing_pay_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="market_listing_open_idx"),
            models.Index(fields=["poster", "-id"], name="market_listing_poster_idx"),
            models.Index(fields=["status", "closes_at"], name="market_listing_closing_idx"),
            # Search over open listings only (partial indexes): keyset orders for "newest" and "pay", and the
            # equality facets; the full-text GIN index is in migration 0002 (raw SQL per engine).
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="market_listing_open_new_idx",
                condition=models.Q(status="open"),
            ),
            models.Index(
                models.F("pay_max_minor").desc(),
                models.F("id").desc(),
                name="market_listing_open_pay_idx",
                condition=models.Q(status="open"),
            ),
            models.Index(Lower("location"), name="market_listing_open_loc_idx", condition=models.Q(status="open")),
        ]

    def __str__(self) -> str:
        return self.title


class ListingSkill(models.Model):
    """A skill a listing asks for, at a level; required ones count in the match score, nice-to-have ones are shown."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, default=SkillLevel.BEGINNER)
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["listing_id", "-is_required", "skill_id"]
        constraints = [models.UniqueConstraint(fields=["listing", "skill"], name="market_listingskill_once")]
        indexes = [models.Index(fields=["skill", "listing"], name="market_listingskill_skill_idx")]

    def __str__(self) -> str:
        return f"{self.skill_id} ({self.level})"


class ListingMilestone(models.Model):
    """One milestone of a gig: the contract copies these when a proposal is accepted."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=160)
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["listing_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "position"], name="market_listingmilestone_position"),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="market_listingmilestone_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class OpenRequirement(models.Model):
    """The read model "my matches" ranks from: one row per open listing and required skill (one row with no skill
    for an open listing that requires none), carrying the listing's facts the match score reads.

    Derived from Listing and ListingSkill by `services.match_index` in the transaction of every listing write, and
    written nowhere else. Ranking reads only this table's index on (skill, level), on PostgreSQL a covering one
    (migration 0005, raw SQL as 0004's: SQLite has no INCLUDE): no join with the wide listing rows and no rows of
    listings that are not open (docs/marketplace.md, "Matching"; ADR 0026).
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    skill_id = models.UUIDField(null=True)  # the catalogue's skill; no foreign key: ListingSkill guards the catalogue
    level = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=ListingKind.choices)
    required_count = models.PositiveSmallIntegerField()
    experience_years = models.PositiveSmallIntegerField()
    is_remote = models.BooleanField()
    place = models.TextField(blank=True)  # matching.place_key of the listing's location and country
    currency = models.CharField(max_length=8)
    monthly_pay = models.FloatField()  # the most it pays per month (matching.monthly_pay)
    published_at = models.DateTimeField(null=True)  # as the listing's (set when it opens)

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.skill_id} ({self.level})"
