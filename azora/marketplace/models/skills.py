"""The skills catalogue, people's marketplace profiles and skill levels with their evidence, and endorsements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel, TimeStampedModel

__all__ = [
    "Endorsement",
    "Profile",
    "Skill",
    "SkillLevel",
    "SkillStatus",
    "UserSkill",
]


class SkillLevel(models.IntegerChoices):
    """Ordered, so "held at the required level or higher" is a comparison."""

    BEGINNER = 1, _("Beginner")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")
    EXPERT = 4, _("Expert")


class SkillStatus(models.TextChoices):
    APPROVED = "approved", _("In the catalogue")
    SUGGESTED = "suggested", _("Suggested, awaiting review")
    REJECTED = "rejected", _("Rejected")


class Skill(PublicModel):
    """A skill of the platform catalogue. `slug` is the case- and accent-folded name, unique; `aliases` are other
    names people use for it (folded too), so "JS" finds JavaScript and a certificate's "javascript" matches."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(max_length=60, blank=True, default="")
    aliases = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=SkillStatus.choices, default=SkillStatus.APPROVED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="market_skill_status_idx")]

    def __str__(self) -> str:
        return self.name


class Profile(TimeStampedModel):
    """What matching reads about a person besides skills: experience, place, remote preference and expected pay.

    Matching never reads names, gender, age, nationality or photos; none of those are stored here.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    headline = models.CharField(max_length=120, blank=True, default="")
    bio = models.TextField(blank=True, default="")
    location = models.CharField(max_length=120, blank=True, default="")  # "Cape Town"
    country = models.CharField(max_length=2, blank=True, default="")  # ISO 3166-1 alpha-2
    is_remote_ok = models.BooleanField(default=True)
    years_experience = models.PositiveSmallIntegerField(default=0)
    expected_pay_minor = models.BigIntegerField(null=True, blank=True)  # per month for jobs, per project for gigs
    expected_pay_currency = models.CharField(max_length=8, blank=True, default="")
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["user_id"]


class UserSkill(PublicModel):
    """One skill a person holds at a level. Verified when an Azora certificate carries it (`certificate_id`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, default=SkillLevel.BEGINNER)
    is_verified = models.BooleanField(default=False)
    certificate_id = models.UUIDField(null=True, blank=True)
    endorsement_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user_id", "skill_id"]
        constraints = [models.UniqueConstraint(fields=["user", "skill"], name="market_userskill_once")]
        indexes = [models.Index(fields=["skill", "level"], name="market_userskill_skill_idx")]


class Endorsement(PublicModel):
    """One person vouching for another's skill: at most one per endorser and skill, never for oneself."""

    user_skill = models.ForeignKey(UserSkill, on_delete=models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=280, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user_skill", "endorser"], name="market_endorsement_once"),
        ]
