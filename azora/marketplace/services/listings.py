"""The write side of listings: posting (draft or open), editing, status changes along the allowed paths and the
expiry of listings past their closing date. Each function owns its transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import nh3
from django.db import transaction
from django.utils import timezone
from markdown_it import MarkdownIt

import azora.accounts.public as accounts
from azora.marketplace.errors import ListingInvalid, ListingNotEditable, ListingNotFound
from azora.marketplace.events import ListingPublished, ListingStatusChanged
from azora.marketplace.models import (
    JobType,
    Listing,
    ListingKind,
    ListingMilestone,
    ListingSkill,
    ListingStatus,
    PayPeriod,
    Skill,
)
from azora.marketplace.public.views import ListingSkillInput, MilestoneInput
from azora.marketplace.selectors import skills as skill_selectors
from azora.marketplace.selectors.listings import MANAGING_ROLES, may_manage_listing
from azora.marketplace.services.match_index import listings_written
from azora.shared.errors import NotFound, PermissionDenied
from azora.shared.events import publish
from azora.shared.money import CURRENCY_EXPONENTS

__all__ = [
    "ALLOWED_STATUS_CHANGES",
    "description_render",
    "listing_create",
    "listing_update",
    "listings_expire",
]

# The paths a poster may move a listing along; "expired" is the expiry job's alone, and the last three are final.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.OPEN, ListingStatus.CLOSED}),
    ListingStatus.OPEN: frozenset({ListingStatus.PAUSED, ListingStatus.FILLED, ListingStatus.CLOSED}),
    ListingStatus.PAUSED: frozenset({ListingStatus.OPEN, ListingStatus.FILLED, ListingStatus.CLOSED}),
    ListingStatus.FILLED: frozenset(),
    ListingStatus.CLOSED: frozenset(),
    ListingStatus.EXPIRED: frozenset(),
}
EDITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "job_type", "title", "description", "location", "country", "is_remote", "currency", "pay_min_minor",
        "pay_max_minor", "pay_period", "experience_years", "closes_at", "skills", "milestones", "status",
    }
)  # fmt: skip
MAX_TITLE = 160
MAX_DESCRIPTION = 20_000
MAX_SKILLS = 30
MAX_MILESTONES = 20
MAX_EXPERIENCE_YEARS = 60

# Listing descriptions: CommonMark with tables and strikethrough, no raw HTML, and a closed allow-list afterwards
# (narrower than education's lesson renderer: no images, iframes or raw HTML in a listing anyone may post).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
        "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}


def description_render(source: str) -> str:
    """Safe HTML for a listing's Markdown: markdown-it escapes raw HTML, nh3 drops anything outside the allow-list
    (scripts, event handlers, `javascript:` links) and marks links nofollow. An h1 becomes h2 (the page has one)."""
    rendered = _MARKDOWN.render(source).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def _invalid(field: str, message: str) -> ListingInvalid:
    return ListingInvalid(message, extra={"errors": [{"field": field, "message": message}]})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Checks and normalises the scalar fields of a listing (a complete set: the stored row with the changes)."""
    if fields["kind"] not in ListingKind.values:
        raise _invalid("kind", "kind is job or gig.")
    title = " ".join(str(fields["title"] or "").split())
    if not 3 <= len(title) <= MAX_TITLE:
        raise _invalid("title", f"A title has 3 to {MAX_TITLE} characters.")
    description = str(fields["description"] or "")
    if len(description) > MAX_DESCRIPTION:
        raise _invalid("description", f"A description has at most {MAX_DESCRIPTION} characters.")
    if "\x00" in title or "\x00" in description:
        raise _invalid("description", "Text cannot contain NUL characters.")
    job_type = str(fields["job_type"] or "")
    if kind == ListingKind.JOB and job_type not in JobType.values:
        raise _invalid("job_type", f"A job's type is one of {', '.join(JobType.values)}.")
    if kind == ListingKind.GIG and job_type:
        raise _invalid("job_type", "A gig has no job type.")
    location = " ".join(str(fields["location"] or "").split())
    if len(location) > 120:
        raise _invalid("location", "A location has at most 120 characters.")
    country = str(fields["country"] or "").strip().upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise _invalid("country", "A country is a two-letter ISO 3166 code, such as ZA.")
    if not isinstance(fields["is_remote"], bool):
        raise _invalid("is_remote", "is_remote is true or false.")
    if not fields["is_remote"] and not location:
        raise _invalid("location", "A listing that is not remote names its location.")
    currency = str(fields["currency"] or "").strip().upper()
    if currency not in CURRENCY_EXPONENTS:
        raise _invalid("currency", f"currency is one of {', '.join(sorted(CURRENCY_EXPONENTS))}.")
    years = fields["experience_years"]
    if not _is_int(years) or not 0 <= years <= MAX_EXPERIENCE_YEARS:
        raise _invalid("experience_years", f"Whole years from 0 to {MAX_EXPERIENCE_YEARS}.")
    closes_at = fields["closes_at"]
    if closes_at is not None and (not isinstance(closes_at, dt.datetime) or timezone.is_naive(closes_at)):
        raise _invalid("closes_at", "closes_at is a date and time with a time zone.")
    return {
        "title": title,
        "description": description,
        "job_type": job_type,
        "location": location,
        "country": country,
        "is_remote": fields["is_remote"],
        "currency": currency,
        "experience_years": years,
        "closes_at": closes_at,
    }


def _clean_pay(
    kind: str, *, pay_min: Any, pay_max: Any, period: Any, milestones: Sequence[MilestoneInput] | None
) -> tuple[int, int, str, list[MilestoneInput]]:
    """(pay_min, pay_max, period, milestones): a job's range per period, a gig's fixed price as its milestones."""
    if kind == ListingKind.GIG:
        cleaned: list[MilestoneInput] = []
        try:
            given = [_as_milestone_input(item) for item in milestones or ()]
        except TypeError:
            raise _invalid("milestones", "Each milestone is {title, amount_minor}.") from None
        for index, milestone in enumerate(given):
            title = " ".join(str(milestone.title or "").split())
            if not 1 <= len(title) <= MAX_TITLE:
                raise _invalid(f"milestones.{index}.title", f"A milestone's title has 1 to {MAX_TITLE} characters.")
            if not _is_int(milestone.amount_minor) or milestone.amount_minor <= 0:
                raise _invalid(f"milestones.{index}.amount_minor", "A milestone's amount is more than zero.")
            cleaned.append(MilestoneInput(title=title, amount_minor=milestone.amount_minor))
        if not cleaned:
            if not _is_int(pay_min) or pay_min <= 0:
                raise _invalid("pay_min_minor", "A gig has a price above zero, or milestones.")
            cleaned = [MilestoneInput(title=str(_default_milestone_title()), amount_minor=pay_min)]
        if len(cleaned) > MAX_MILESTONES:
            raise _invalid("milestones", f"A gig has at most {MAX_MILESTONES} milestones.")
        total = sum(milestone.amount_minor for milestone in cleaned)
        if pay_min not in (None, 0, total) or pay_max not in (None, 0, total):
            raise _invalid("pay_min_minor", "A gig's price is the sum of its milestones.")
        if period not in (None, "", PayPeriod.PROJECT):
            raise _invalid("pay_period", "A gig is paid for the project.")
        return total, total, PayPeriod.PROJECT, cleaned
    if milestones:
        raise _invalid("milestones", "Only gigs have milestones.")
    if not _is_int(pay_min) or pay_min < 0:
        raise _invalid("pay_min_minor", "pay_min_minor is a whole amount in minor units, 0 or more.")
    pay_max = pay_min if pay_max is None else pay_max
    if not _is_int(pay_max) or pay_max < pay_min:
        raise _invalid("pay_max_minor", "pay_max_minor is at least pay_min_minor.")
    period = period or PayPeriod.MONTH
    if period not in (PayPeriod.HOUR, PayPeriod.MONTH, PayPeriod.YEAR):
        raise _invalid("pay_period", "A job is paid per hour, month or year.")
    return pay_min, pay_max, str(period), []


def _default_milestone_title() -> str:
    from django.utils.translation import gettext

    return gettext("The whole project")


def _as_skill_input(item: Any) -> ListingSkillInput:
    return ListingSkillInput(**item) if isinstance(item, Mapping) else item


def _as_milestone_input(item: Any) -> MilestoneInput:
    return MilestoneInput(**item) if isinstance(item, Mapping) else item


def _clean_skills(given: Sequence[ListingSkillInput | Mapping[str, Any]]) -> list[tuple[Skill, int, bool]]:
    try:
        inputs = [_as_skill_input(item) for item in given]
    except TypeError:
        raise _invalid("skills", "Each skill is {skill, level, is_required}.") from None
    if len(inputs) > MAX_SKILLS:
        raise _invalid("skills", f"A listing asks for at most {MAX_SKILLS} skills.")
    resolved: dict[uuid.UUID, tuple[Skill, int, bool]] = {}
    for index, item in enumerate(inputs):
        try:
            level = skill_selectors.level_from(item.level)
        except (TypeError, ValueError):
            raise _invalid(f"skills.{index}.level", "A level is 1 to 4.") from None
        if not isinstance(item.is_required, bool):
            raise _invalid(f"skills.{index}.is_required", "is_required is true or false.")
        try:
            skill = skill_selectors.skill_resolve(str(item.skill))
        except NotFound:
            raise _invalid(f"skills.{index}.skill", f"{item.skill!s} is not in the skills catalogue.") from None
        if skill.id in resolved:
            raise _invalid(f"skills.{index}.skill", f"{skill.name} is listed twice.")
        resolved[skill.id] = (skill, level, item.is_required)
    return list(resolved.values())


def _skills_text(skills: Sequence[tuple[Skill, int, bool]]) -> str:
    words: list[str] = []
    for skill, _level, _required in skills:
        words.append(skill.name)
        words.extend(str(alias) for alias in skill.aliases or ())
    return " ".join(words)


def _poster_name(*, poster_id: uuid.UUID, organisation_id: uuid.UUID | None) -> str:
    if organisation_id is not None:
        principal = accounts.principal_for_user(user_id=poster_id)
        return accounts.organisation_get(principal=principal, organisation_id=organisation_id).name
    people = accounts.user_profiles(user_ids=[poster_id])
    return people[poster_id].display_name if poster_id in people else ""


def _check_open(listing: Listing, *, now: dt.datetime) -> None:
    if listing.closes_at is not None and listing.closes_at <= now:
        raise _invalid("closes_at", "An open listing closes in the future.")


def _write_children(
    listing: Listing, *, skills: list[tuple[Skill, int, bool]] | None, milestones: list[MilestoneInput] | None
) -> None:
    if skills is not None:
        ListingSkill.objects.filter(listing=listing).delete()
        ListingSkill.objects.bulk_create(
            [
                ListingSkill(listing=listing, skill=skill, level=level, is_required=required)
                for skill, level, required in skills
            ]
        )
    if milestones is not None:
        ListingMilestone.objects.filter(listing=listing).delete()
        ListingMilestone.objects.bulk_create(
            [
                ListingMilestone(listing=listing, position=position, title=item.title, amount_minor=item.amount_minor)
                for position, item in enumerate(milestones, 1)
            ]
        )


def listing_create(
    *,
    poster_id: uuid.UUID,
    organisation_id: uuid.UUID | None = None,
    kind: str,
    job_type: str = "",
    title: str,
    description: str = "",
    location: str = "",
    country: str = "",
    is_remote: bool = False,
    currency: str,
    pay_min_minor: int,
    pay_max_minor: int | None = None,
    pay_period: str | None = None,
    experience_years: int = 0,
    closes_at: dt.datetime | None = None,
    skills: Sequence[ListingSkillInput] = (),
    milestones: Sequence[MilestoneInput] = (),
    publish_now: bool = False,
) -> Listing:
    """A draft, or with `publish_now` an open listing (ListingPublished). Everything is checked before a write."""
    fields = _clean_fields(
        kind,
        {
            "kind": kind, "title": title, "description": description, "job_type": job_type, "location": location,
            "country": country, "is_remote": is_remote, "currency": currency, "experience_years": experience_years,
            "closes_at": closes_at,
        },
    )  # fmt: skip
    pay_min, pay_max, period, cleaned_milestones = _clean_pay(
        kind, pay_min=pay_min_minor, pay_max=pay_max_minor, period=pay_period, milestones=milestones
    )
    cleaned_skills = _clean_skills(skills)
    if organisation_id is not None:
        role = accounts.organisation_role_of(user_id=poster_id, organisation_id=organisation_id)
        if role not in MANAGING_ROLES:
            raise PermissionDenied("Posting for an organisation needs its owner, admin or billing role.")
    now = timezone.now()
    listing = Listing(
        kind=kind,
        poster_id=poster_id,
        organisation_id=organisation_id,
        poster_name=_poster_name(poster_id=poster_id, organisation_id=organisation_id),
        description_html=description_render(fields["description"]),
        pay_min_minor=pay_min,
        pay_max_minor=pay_max,
        pay_period=period,
        skills_text=_skills_text(cleaned_skills),
        status=ListingStatus.OPEN if publish_now else ListingStatus.DRAFT,
        published_at=now if publish_now else None,
        **fields,
    )
    if publish_now:
        _check_open(listing, now=now)
    with transaction.atomic():
        listing.save()
        _write_children(listing, skills=cleaned_skills, milestones=cleaned_milestones if kind == "gig" else [])
        listings_written([listing.id])
        if publish_now:
            publish(ListingPublished(listing_id=listing.id, poster_id=poster_id, kind=kind))
    return listing


def listing_update(*, actor_id: uuid.UUID, listing_id: uuid.UUID, changes: Mapping[str, Any]) -> Listing:
    """Edits fields and/or moves `status` along ALLOWED_STATUS_CHANGES; only those who manage the listing.

    Filled, closed and expired listings are final (ListingNotEditable); a gig's milestones and price stay as they
    are once someone has applied. Nothing is written unless every change is valid.
    """
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise _invalid(unknown[0], f"{unknown[0]} cannot be changed.")
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(id=listing_id).first()
        if listing is None:
            raise ListingNotFound()
        if not may_manage_listing(listing=listing, user_id=actor_id):
            if listing.status == ListingStatus.DRAFT:
                raise ListingNotFound()
            raise PermissionDenied("Only the poster (or the organisation's admins) can change a listing.")
        if not ALLOWED_STATUS_CHANGES[listing.status]:
            raise ListingNotEditable(extra={"listing_status": listing.status})
        from_status = listing.status
        to_status = str(changes.get("status", from_status))
        if to_status != from_status and to_status not in ALLOWED_STATUS_CHANGES[from_status]:
            raise ListingNotEditable(
                f"A listing cannot go from {from_status} to {to_status}.",
                extra={"listing_status": from_status, "to_status": to_status},
            )
        kind = listing.kind
        current = {name: getattr(listing, name) for name in _SCALARS}
        merged = {**current, **{name: changes[name] for name in _SCALARS if name in changes}, "kind": kind}
        fields = _clean_fields(kind, merged)
        pay_keys = {"pay_min_minor", "pay_max_minor", "pay_period", "milestones"}
        new_milestones: list[MilestoneInput] | None = None
        if pay_keys & set(changes):
            if kind == ListingKind.GIG and listing.application_count:
                raise ListingNotEditable("A gig's price and milestones stay as they are once someone has applied.")
            milestones = changes.get("milestones")
            if kind == ListingKind.GIG and milestones is None:
                milestones = [
                    MilestoneInput(title=row.title, amount_minor=row.amount_minor)
                    for row in listing.milestones.order_by("position")
                ]
                if "pay_min_minor" in changes or "pay_max_minor" in changes:
                    raise _invalid("milestones", "A gig's price changes with its milestones.")
            pay_min, pay_max, period, new_milestones = _clean_pay(
                kind,
                pay_min=changes.get("pay_min_minor", 0 if kind == ListingKind.GIG else listing.pay_min_minor),
                pay_max=changes.get("pay_max_minor", None if kind == ListingKind.GIG else listing.pay_max_minor),
                period=changes.get("pay_period", listing.pay_period),
                milestones=milestones,
            )
            listing.pay_min_minor, listing.pay_max_minor, listing.pay_period = pay_min, pay_max, period
            if kind != ListingKind.GIG:
                new_milestones = None
        new_skills = _clean_skills(changes["skills"]) if "skills" in changes else None
        for name, value in fields.items():
            setattr(listing, name, value)
        listing.description_html = description_render(listing.description)
        if new_skills is not None:
            listing.skills_text = _skills_text(new_skills)
        now = timezone.now()
        if to_status == ListingStatus.OPEN:
            _check_open(listing, now=now)
        listing.status = to_status
        if to_status == ListingStatus.OPEN and listing.published_at is None:
            listing.published_at = now
        listing.save()
        _write_children(listing, skills=new_skills, milestones=new_milestones)
        listings_written([listing.id])
        if to_status != from_status:
            if from_status == ListingStatus.DRAFT and to_status == ListingStatus.OPEN:
                publish(ListingPublished(listing_id=listing.id, poster_id=listing.poster_id, kind=kind))
            else:
                publish(ListingStatusChanged(listing_id=listing.id, from_status=from_status, to_status=to_status))
    return listing


_SCALARS: tuple[str, ...] = (
    "title", "description", "job_type", "location", "country", "is_remote", "currency", "experience_years",
    "closes_at",
)  # fmt: skip


def listings_expire(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Open and paused listings past `closes_at` become expired, a ListingStatusChanged each; returns how many."""
    now = now or timezone.now()
    expired = 0
    live = (ListingStatus.OPEN, ListingStatus.PAUSED)
    ids = list(
        Listing.objects.filter(status__in=live, closes_at__lte=now)
        .order_by("closes_at", "id")
        .values_list("id", flat=True)[:batch]
    )
    for listing_id in ids:
        with transaction.atomic():
            listing = (
                Listing.objects.select_for_update().filter(id=listing_id, status__in=live, closes_at__lte=now).first()
            )
            if listing is None:  # reopened with a later date, or expired by another run, since the list was read
                continue
            from_status = listing.status
            listing.status = ListingStatus.EXPIRED
            listing.save(update_fields=["status", "updated_at"])
            listings_written([listing.id])
            publish(
                ListingStatusChanged(listing_id=listing.id, from_status=from_status, to_status=ListingStatus.EXPIRED)
            )
            expired += 1
    return expired
