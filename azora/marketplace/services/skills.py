"""The write side of skills and profiles: suggestions and their review, skill profiles, endorsements, profile edits,
and the evidence certificates give. Each function owns its transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

import azora.accounts.public as accounts
import azora.education.public as education
from azora.marketplace.config import marketplace_config
from azora.marketplace.errors import (
    AlreadyEndorsed,
    EndorsementRateLimited,
    EndorseSelf,
    ProfileInvalid,
    SkillInvalid,
    SkillNotFound,
)
from azora.marketplace.events import SkillVerified
from azora.marketplace.models import Endorsement, Profile, Skill, SkillLevel, SkillStatus, UserSkill
from azora.marketplace.selectors import skills as selectors
from azora.shared.errors import NotFound, PermissionDenied
from azora.shared.events import publish
from azora.shared.money import CURRENCY_EXPONENTS

__all__ = [
    "MAX_SKILLS_PER_PERSON",
    "endorsement_create",
    "profile_update",
    "skill_review",
    "skill_suggest",
    "skills_set",
    "skills_unverify_for_certificate",
    "skills_verify_from_certificate",
]

logger = structlog.get_logger(__name__)

MAX_SKILLS_PER_PERSON = 50
PLATFORM_ADMIN = "platform_admin"
# A course's level is the level its certificate vouches for; an unknown level vouches for a beginner.
COURSE_LEVELS: dict[str, int] = {
    "beginner": SkillLevel.BEGINNER,
    "intermediate": SkillLevel.INTERMEDIATE,
    "advanced": SkillLevel.ADVANCED,
    "expert": SkillLevel.EXPERT,
}
PROFILE_TEXT_LIMITS: dict[str, int] = {"headline": 120, "bio": 4000, "location": 120}
MAX_YEARS_EXPERIENCE = 60


def _invalid(error: type[SkillInvalid] | type[ProfileInvalid], field: str, message: str) -> Exception:
    return error(message, extra={"errors": [{"field": field, "message": message}]})


# --- The catalogue ---


def skill_suggest(*, user_id: uuid.UUID, name: str, category: str = "") -> Skill:
    """A suggestion (status "suggested"); an existing skill of that name or alias is returned unchanged."""
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= 80 or not selectors.skill_fold(clean):
        raise _invalid(SkillInvalid, "name", "A skill's name has 1 to 80 characters, with a letter or a digit.")
    category = " ".join(category.split())
    if len(category) > 60:
        raise _invalid(SkillInvalid, "category", "A category has at most 60 characters.")
    try:
        return selectors.skill_resolve(clean, include_suggested=True)
    except SkillNotFound:
        pass
    slug = selectors.skill_fold(clean)[:80]
    try:
        with transaction.atomic():
            return Skill.objects.create(
                name=clean, slug=slug, category=category, status=SkillStatus.SUGGESTED, suggested_by_id=user_id
            )
    except IntegrityError:
        # Suggested at the same moment by someone else (or a rejected skill of that slug): return that one.
        return Skill.objects.get(slug=slug)


def skill_review(*, admin_id: uuid.UUID, skill_id: uuid.UUID, approve: bool) -> Skill:
    """A platform admin approves (into the catalogue) or rejects a suggested skill."""
    if not accounts.user_has_platform_role(user_id=admin_id, role=PLATFORM_ADMIN):
        raise PermissionDenied("Only platform admins review suggested skills.")
    with transaction.atomic():
        skill = Skill.objects.select_for_update().filter(id=skill_id).first()
        if skill is None:
            raise SkillNotFound()
        if skill.status != SkillStatus.SUGGESTED:
            raise _invalid(SkillInvalid, "skill", "Only a suggested skill can be reviewed.")
        skill.status = SkillStatus.APPROVED if approve else SkillStatus.REJECTED
        skill.save(update_fields=["status", "updated_at"])
    return skill


# --- Skill profiles ---


def _resolved_levels(skills: Sequence[tuple[str, int]]) -> dict[uuid.UUID, tuple[Skill, int]]:
    """Every (reference, level) pair resolved before anything is written; refuses unknown skills, bad levels and
    the same skill twice."""
    if len(skills) > MAX_SKILLS_PER_PERSON:
        raise _invalid(SkillInvalid, "skills", f"A profile lists at most {MAX_SKILLS_PER_PERSON} skills.")
    resolved: dict[uuid.UUID, tuple[Skill, int]] = {}
    for index, (reference, level) in enumerate(skills):
        try:
            number = selectors.level_from(level)
        except (TypeError, ValueError):
            raise _invalid(SkillInvalid, f"skills.{index}.level", "A level is 1 to 4.") from None
        skill = selectors.skill_resolve(str(reference))
        if skill.id in resolved:
            raise _invalid(SkillInvalid, f"skills.{index}.skill", f"{skill.name} is listed twice.")
        resolved[skill.id] = (skill, number)
    return resolved


def skills_set(*, user_id: uuid.UUID, skills: Sequence[tuple[str, int]]) -> None:
    """Replaces the self-declared skills. Verified ones stay (a certificate vouches for them) and never drop below
    their current level; a self-declared skill left out is removed with its endorsements."""
    resolved = _resolved_levels(skills)
    with transaction.atomic():
        current = {row.skill_id: row for row in UserSkill.objects.select_for_update().filter(user_id=user_id)}
        for skill_id, row in current.items():
            if skill_id not in resolved and not row.is_verified:
                row.delete()
        for skill_id, (_skill, level) in resolved.items():
            existing = current.get(skill_id)
            if existing is None:
                UserSkill.objects.create(user_id=user_id, skill_id=skill_id, level=level)
                continue
            wanted = max(level, existing.level) if existing.is_verified else level
            if wanted != existing.level:
                existing.level = wanted
                existing.save(update_fields=["level", "updated_at"])


def endorsement_create(*, endorser_id: uuid.UUID, user_id: uuid.UUID, skill: str, note: str = "") -> UserSkill:
    """Not oneself, once per endorser and skill, at most `endorsements_per_day` by one endorser in 24 hours."""
    if endorser_id == user_id:
        raise EndorseSelf()
    note = note.strip()
    if len(note) > 280:
        raise _invalid(SkillInvalid, "note", "A note has at most 280 characters.")
    found = selectors.skill_resolve(skill)
    limit = marketplace_config().endorsements_per_day
    with transaction.atomic():
        user_skill = UserSkill.objects.select_for_update().filter(user_id=user_id, skill_id=found.id).first()
        if user_skill is None:
            raise SkillNotFound("This person does not list that skill.")
        if Endorsement.objects.filter(user_skill=user_skill, endorser_id=endorser_id).exists():
            raise AlreadyEndorsed()
        since = timezone.now() - dt.timedelta(hours=24)
        if Endorsement.objects.filter(endorser_id=endorser_id, created_at__gte=since).count() >= limit:
            raise EndorsementRateLimited(extra={"limit_per_day": limit})
        try:
            with transaction.atomic():
                Endorsement.objects.create(user_skill=user_skill, endorser_id=endorser_id, note=note)
        except IntegrityError:
            raise AlreadyEndorsed() from None
        UserSkill.objects.filter(pk=user_skill.pk).update(endorsement_count=F("endorsement_count") + 1)
        user_skill.refresh_from_db()
    return user_skill


# --- Profiles ---


def _profile_changes(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised field values; refuses unknown names and bad values before anything is written."""
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name in PROFILE_TEXT_LIMITS:
            text = str(value or "").strip()
            if len(text) > PROFILE_TEXT_LIMITS[name]:
                raise _invalid(ProfileInvalid, name, f"At most {PROFILE_TEXT_LIMITS[name]} characters.")
            changes[name] = text if name == "bio" else " ".join(text.split())
        elif name == "country":
            code = str(value or "").strip().upper()
            if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
                raise _invalid(ProfileInvalid, name, "A country is a two-letter ISO 3166 code, such as ZA.")
            changes[name] = code
        elif name in ("is_remote_ok", "is_public"):
            if not isinstance(value, bool):
                raise _invalid(ProfileInvalid, name, "true or false.")
            changes[name] = value
        elif name == "years_experience":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS_EXPERIENCE:
                raise _invalid(ProfileInvalid, name, f"Whole years from 0 to {MAX_YEARS_EXPERIENCE}.")
            changes[name] = value
        elif name == "expected_pay_minor":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise _invalid(ProfileInvalid, name, "An amount in minor units, 0 or more, or null.")
            changes[name] = value
        elif name == "expected_pay_currency":
            currency = str(value or "").strip().upper()
            if currency and currency not in CURRENCY_EXPONENTS:
                raise _invalid(ProfileInvalid, name, f"One of {', '.join(sorted(CURRENCY_EXPONENTS))}.")
            changes[name] = currency
        else:
            raise _invalid(ProfileInvalid, name, "This field cannot be changed.")
    return changes


def profile_update(*, user_id: uuid.UUID, **fields: Any) -> Profile:
    """headline, bio, location, country, is_remote_ok, years_experience, expected_pay_minor,
    expected_pay_currency, is_public. An expected pay needs its currency."""
    changes = _profile_changes(fields)
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user_id=user_id)
        for name, value in changes.items():
            setattr(profile, name, value)
        if profile.expected_pay_minor is not None and not profile.expected_pay_currency:
            raise _invalid(ProfileInvalid, "expected_pay_currency", "An expected pay needs its currency.")
        if profile.expected_pay_minor is None:
            profile.expected_pay_currency = ""
        profile.save()
    return profile


# --- Evidence from certificates ---


def _course_level(course_id: uuid.UUID) -> int:
    try:
        return COURSE_LEVELS.get(education.course_facts(course_id=course_id).level, SkillLevel.BEGINNER)
    except NotFound:
        return SkillLevel.BEGINNER


def skills_verify_from_certificate(
    *, user_id: uuid.UUID, certificate_id: uuid.UUID, course_id: uuid.UUID, skill_names: Sequence[str]
) -> int:
    """Adds or marks verified each catalogue skill the certificate carries, at least at the course's level.
    Names not in the catalogue are skipped (logged). Idempotent; returns how many skills it newly verified."""
    level = _course_level(course_id)
    verified = 0
    with transaction.atomic():
        for name in skill_names:
            try:
                skill = selectors.skill_resolve(name)
            except SkillNotFound:
                logger.info("marketplace.certificate_skill_unknown", skill=name, certificate_id=str(certificate_id))
                continue
            row = UserSkill.objects.select_for_update().filter(user_id=user_id, skill_id=skill.id).first()
            if row is None:
                row = UserSkill(user_id=user_id, skill_id=skill.id, level=level)
            elif row.is_verified and row.certificate_id == certificate_id and row.level >= level:
                continue  # this certificate's event seen before
            was_verified = row.is_verified
            row.is_verified = True
            row.certificate_id = certificate_id
            row.level = max(row.level, level)
            row.save()
            if not was_verified:
                verified += 1
                publish(SkillVerified(user_id=user_id, skill_id=skill.id, certificate_id=certificate_id))
    return verified


def skills_unverify_for_certificate(*, user_id: uuid.UUID, certificate_id: uuid.UUID) -> int:
    """A revoked certificate no longer vouches: its skills point to another valid certificate of the person that
    carries them, or become self-declared. Returns how many skills lost their verification."""
    others = [
        certificate
        for certificate in education.certificates_of(user_id=user_id)
        if certificate.id != certificate_id and not certificate.is_revoked and not certificate.is_expired
    ]
    unverified = 0
    with transaction.atomic():
        rows = UserSkill.objects.select_for_update().filter(user_id=user_id, certificate_id=certificate_id)
        for row in rows.select_related("skill"):
            names = selectors.skill_names_of(row.skill)
            other = next(
                (c for c in others if any(selectors.skill_fold(s) in names for s in c.skills)),
                None,
            )
            if other is not None:
                row.certificate_id = other.id
                row.save(update_fields=["certificate_id", "updated_at"])
                continue
            row.is_verified = False
            row.certificate_id = None
            row.save(update_fields=["is_verified", "certificate_id", "updated_at"])
            unverified += 1
    return unverified
