"""The match score of one person for one listing and its reasons: a pure function over frozen dataclasses.

No database and no settings are read here; the caller passes the rules (weights, unverified-skill factor). The
person is described by `Candidate` alone, which has no field for a name, gender, age, nationality or photo, and
`candidate_from` builds it from a record by reading only `CANDIDATE_FIELDS`, so those can never change a score
(tests/matching/test_fairness.py proves it with hypothesis).

Score = (w_skills*skills + w_experience*experience + w_location*location + w_pay*pay) / 100, each component
0..100 and kept exact (integer fractions) until the one rounding at the end (half up). See docs/marketplace.md,
"Matching".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext, ngettext

from azora.marketplace.public.views import MatchView

__all__ = [
    "CANDIDATE_FIELDS",
    "PROTECTED_FIELDS",
    "Candidate",
    "HeldSkill",
    "MatchRules",
    "Opening",
    "RequiredSkill",
    "Score",
    "SkillFit",
    "candidate_from",
    "is_shown",
    "match",
    "match_score",
    "match_view",
    "monthly_pay",
    "place_key",
    "skill_fit",
]

# The only fields of a person's record the score reads (Profile columns).
CANDIDATE_FIELDS: Final = (
    "years_experience",
    "location",
    "country",
    "expected_pay_minor",
    "expected_pay_currency",
)
# What a score must never read (the fairness property test varies these).
PROTECTED_FIELDS: Final = ("name", "display_name", "gender", "age", "date_of_birth", "nationality", "photo")

# Job pay is compared per month with the person's expectation: a year is 12 months, an hour 1/160 of a month
# (40 hours a week, 4 weeks). A gig's fixed price ("project") and monthly pay are compared as they are.
_MONTHLY: Final[dict[str, tuple[int, int]]] = {"month": (1, 1), "project": (1, 1), "year": (1, 12), "hour": (160, 1)}


@dataclass(frozen=True, slots=True)
class MatchRules:
    weights: tuple[int, int, int, int]  # skills, experience, location, pay (sum 100)
    unverified_skill_percent: int  # what an unverified skill counts, in percent of a verified one


@dataclass(frozen=True, slots=True)
class HeldSkill:
    skill_id: uuid.UUID
    level: int
    is_verified: bool


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill_id: uuid.UUID
    level: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the score knows of a person: skills, experience, place and expected pay. Nothing else."""

    skills: tuple[HeldSkill, ...] = ()
    years_experience: int = 0
    location: str = ""
    country: str = ""
    expected_pay_minor: int | None = None
    expected_pay_currency: str = ""


@dataclass(frozen=True, slots=True)
class Opening:
    """What the score knows of a listing."""

    required_skills: tuple[RequiredSkill, ...] = ()
    experience_years: int = 0
    is_remote: bool = False
    location: str = ""
    country: str = ""
    currency: str = "ZAR"
    pay_max_minor: int = 0
    pay_period: str = "month"


@dataclass(frozen=True, slots=True)
class SkillFit:
    """Of the listing's `required` skills, how many the person holds at the level asked or higher, and how many of
    those are verified. The SQL pre-filter of "my matches" computes the same counts in one query."""

    required: int
    held: int
    verified: int


@dataclass(frozen=True, slots=True)
class Score:
    """The score with its components (each rounded half up for display) and what the reasons are made of."""

    total: int
    skills: int
    experience: int
    location: int
    pay: int
    fit: SkillFit
    years: int
    years_required: int
    place: str  # remote | same | different
    place_name: str
    pay_kind: str  # met | short | none (no expectation) | currency (another currency, not compared)
    listing_currency: str
    expected_currency: str


def _half_up(numerator: int, denominator: int) -> int:
    """numerator/denominator rounded half up (both non-negative, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def candidate_from(record: Mapping[str, Any], skills: Iterable[HeldSkill] = ()) -> Candidate:
    """A candidate from a person's record (a Profile's values, or anything richer): reads CANDIDATE_FIELDS only."""
    return Candidate(
        skills=tuple(skills),
        years_experience=int(record.get("years_experience") or 0),
        location=str(record.get("location") or ""),
        country=str(record.get("country") or ""),
        expected_pay_minor=None if record.get("expected_pay_minor") is None else int(record["expected_pay_minor"]),
        expected_pay_currency=str(record.get("expected_pay_currency") or ""),
    )


def skill_fit(*, required: Sequence[RequiredSkill], held: Iterable[HeldSkill]) -> SkillFit:
    by_skill = {skill.skill_id: skill for skill in held}
    met = [
        by_skill[need.skill_id]
        for need in required
        if need.skill_id in by_skill and by_skill[need.skill_id].level >= need.level
    ]
    return SkillFit(required=len(required), held=len(met), verified=sum(1 for skill in met if skill.is_verified))


def _folded(value: str) -> str:
    return value.strip().casefold()


def place_key(location: str, country: str) -> str:
    """What "same place" compares: the location and country folded; empty when no location is given (no place)."""
    return f"{_folded(location)}\n{_folded(country)}" if location.strip() else ""


def monthly_pay(amount_minor: int, period: str) -> float:
    """An amount per `period` as an amount per month, in floating point (the ranking's; the score's is exact)."""
    times, per = _MONTHLY.get(period, (1, 1))
    return amount_minor * times / per


def match_score(*, fit: SkillFit, candidate: Candidate, opening: Opening, rules: MatchRules) -> Score:
    """The score of `candidate` for `opening` given the skill fit; exact until the one rounding at the end."""
    # Each component as an exact fraction (numerator, denominator) on a 0..100 scale.
    if fit.required == 0:
        skills = (100, 1)
    else:
        skills = (100 * fit.verified + rules.unverified_skill_percent * (fit.held - fit.verified), fit.required)

    years, required_years = candidate.years_experience, opening.experience_years
    experience = (100, 1) if years >= required_years else (100 * years, required_years)

    opening_place = place_key(opening.location, opening.country)
    if opening.is_remote:
        place, location = "remote", (100, 1)
    elif opening_place and opening_place == place_key(candidate.location, candidate.country):
        place, location = "same", (100, 1)
    else:
        place, location = "different", (50, 1)

    expected = candidate.expected_pay_minor
    if expected is None or expected <= 0:
        pay_kind, pay = "none", (100, 1)
    elif candidate.expected_pay_currency != opening.currency:
        pay_kind, pay = "currency", (100, 1)  # no exchange rates here: not compared, never held against anyone
    else:
        times, per = _MONTHLY.get(opening.pay_period, (1, 1))
        monthly_num, monthly_den = opening.pay_max_minor * times, per  # the listing's max pay per month, exactly
        if monthly_num >= expected * monthly_den:
            pay_kind, pay = "met", (100, 1)
        else:
            pay_kind, pay = "short", (100 * monthly_num, expected * monthly_den)

    w_skills, w_experience, w_location, w_pay = rules.weights
    parts = ((w_skills, skills), (w_experience, experience), (w_location, location), (w_pay, pay))
    denominator = 1
    for _weight, (_num, den) in parts:
        denominator *= den
    numerator = sum(weight * num * (denominator // den) for weight, (num, den) in parts)
    total = _half_up(numerator, 100 * denominator)
    return Score(
        total=min(100, total),
        skills=_half_up(*skills),
        experience=_half_up(*experience),
        location=_half_up(*location),
        pay=_half_up(*pay),
        fit=fit,
        years=years,
        years_required=required_years,
        place=place,
        place_name=opening.location.strip(),
        pay_kind=pay_kind,
        listing_currency=opening.currency,
        expected_currency=candidate.expected_pay_currency,
    )


def _reasons(score: Score) -> tuple[str, ...]:
    fit = score.fit
    if fit.required == 0:
        skills = gettext("No required skills")
    else:
        skills = ngettext(
            "%(held)d of %(required)d required skill, %(verified)d verified",
            "%(held)d of %(required)d required skills, %(verified)d verified",
            fit.required,
        ) % {"held": fit.held, "required": fit.required, "verified": fit.verified}

    if score.years_required == 0:
        experience = gettext("No experience asked for")
    elif score.years >= score.years_required:
        experience = ngettext(
            "Meets the %(required)d year asked for", "Meets the %(required)d years asked for", score.years_required
        ) % {"required": score.years_required}
    else:
        experience = ngettext(
            "%(years)d of %(required)d year", "%(years)d of %(required)d years", score.years_required
        ) % {"years": score.years, "required": score.years_required}

    if score.place == "remote":
        place = gettext("Remote")
    elif score.place == "same":
        place = gettext("Same place: %(place)s") % {"place": score.place_name}
    else:
        place = gettext("Different place")

    if score.pay_kind == "met":
        pay = gettext("Pay meets your expectation")
    elif score.pay_kind == "short":
        pay = gettext("Pays %(percent)d%% of your expectation") % {"percent": score.pay}
    elif score.pay_kind == "currency":
        pay = gettext("Pays in %(currency)s; your expectation is in %(expected)s") % {
            "currency": score.listing_currency,
            "expected": score.expected_currency,
        }
    else:
        pay = gettext("No pay expectation set")
    return (skills, experience, place, pay)


def is_shown(score: Score, *, threshold: int) -> bool:
    """A listing is shown as a match when it scores at least the threshold AND the person holds at least one of its
    required skills (or it requires none): a job none of whose skills you have is no match, even where experience,
    place and pay alone reach the threshold (60 of 100 with the default weights)."""
    return score.total >= threshold and (score.fit.required == 0 or score.fit.held > 0)


def match_view(score: Score) -> MatchView:
    """The score with its reasons, translated into the active language."""
    return MatchView(
        score=score.total,
        skills=score.skills,
        experience=score.experience,
        location=score.location,
        pay=score.pay,
        reasons=_reasons(score),
    )


def match(*, candidate: Candidate, opening: Opening, rules: MatchRules) -> MatchView:
    """The whole match of one person for one listing, with reasons."""
    fit = skill_fit(required=opening.required_skills, held=candidate.skills)
    return match_view(match_score(fit=fit, candidate=candidate, opening=opening, rules=rules))
