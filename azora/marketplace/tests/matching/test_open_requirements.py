"""The open-requirements read model "my matches" ranks from follows every listing write: after each, its rows are
exactly what the listings and their skills say (read independently here); a refused write leaves it as it was;
a rebuild repairs a damaged one."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.marketplace import public
from azora.marketplace.errors import ListingInvalid
from azora.marketplace.models import Listing, ListingSkill, OpenRequirement
from azora.marketplace.public import ListingSkillInput
from azora.marketplace.services.listings import listings_expire
from azora.marketplace.services.match_index import match_index_rebuild
from azora.marketplace.tests.factories import GigFactory, SkillFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "listing_id", "skill_id", "level", "kind", "required_count", "experience_years", "is_remote", "place", "currency",
    "monthly_pay", "published_at",
)  # fmt: skip
PER_MONTH = {"hour": 160.0, "month": 1.0, "project": 1.0, "year": 1 / 12}


def expected() -> set[tuple[Any, ...]]:
    """What the rows must be: one per open listing and required skill, or one with no skill."""
    rows = set()
    for listing in Listing.objects.filter(status="open"):
        required: list[tuple[Any, int]] = list(
            ListingSkill.objects.filter(listing=listing, is_required=True).values_list("skill_id", "level")
        )
        place = (
            listing.location.strip().casefold() + "\n" + listing.country.strip().casefold()
            if listing.location.strip()
            else ""
        )
        for skill_id, level in required or [(None, 0)]:
            rows.add(
                (
                    listing.id, skill_id, level, listing.kind, len(required), listing.experience_years,
                    listing.is_remote, place, listing.currency, listing.pay_max_minor * PER_MONTH[listing.pay_period],
                    listing.published_at,
                )
            )  # fmt: skip
    return rows


def actual() -> set[tuple[Any, ...]]:
    rows = list(OpenRequirement.objects.values_list(*FIELDS))
    assert len(rows) == len(set(rows)), "no row twice"
    return set(rows)


@pytest.fixture
def skills() -> None:
    for name in ("Python", "SQL", "Solar installation"):
        SkillFactory(name=name)


def job(poster_id: Any, **fields: Any) -> public.ListingView:
    values: dict[str, Any] = {
        "poster_id": poster_id, "kind": "job", "job_type": "full_time", "title": "Data analyst",
        "location": " Cape Town ", "country": "ZA", "currency": "ZAR", "pay_min_minor": 2_000_000,
        "pay_max_minor": 3_000_000, "pay_period": "month", "experience_years": 2,
        "skills": [ListingSkillInput("python", 3), ListingSkillInput("sql", 2), ListingSkillInput("solar", 1, False)],
        "publish": True,
    }  # fmt: skip
    values.update(fields)
    return public.listing_create(**values)


def test_a_published_listing_has_a_row_per_required_skill_and_a_draft_none(skills: None) -> None:
    poster = UserFactory()
    opened = job(poster.id)
    job(poster.id, publish=False, title="Draft analyst")

    rows = actual()
    assert rows == expected()
    assert {(row[0], row[2], row[4], row[7], row[9]) for row in rows} == {
        (opened.id, 3, 2, "cape town\nza", 3_000_000.0),
        (opened.id, 2, 2, "cape town\nza", 3_000_000.0),
    }


def test_a_listing_asking_for_no_skill_has_one_row_without_a_skill(skills: None) -> None:
    poster = UserFactory()
    opened = job(poster.id, skills=[], is_remote=True, location="", pay_period="year", pay_min_minor=12_000_000,
                 pay_max_minor=24_000_000)  # fmt: skip

    assert actual() == expected()
    assert list(OpenRequirement.objects.values_list("listing_id", "skill_id", "required_count", "place")) == [
        (opened.id, None, 0, "")
    ]
    assert OpenRequirement.objects.get().monthly_pay == 2_000_000.0


@pytest.mark.parametrize(
    "changes",
    [
        {"location": "Durban"},
        {"is_remote": True, "location": ""},
        {"experience_years": 5},
        {"pay_max_minor": 4_000_000},
        {"pay_period": "hour", "pay_min_minor": 10_000, "pay_max_minor": 20_000},
        {"skills": [{"skill": "sql", "level": 4}]},
        {"skills": []},
        {"status": "paused"},
        {"status": "closed"},
    ],
    ids=lambda changes: "-".join(changes),
)
def test_every_edit_and_status_change_is_followed(skills: None, changes: dict[str, Any]) -> None:
    poster = UserFactory()
    view = job(poster.id)
    job(poster.id, title="Another analyst")  # must not change

    public.listing_update(actor_id=poster.id, listing_id=view.id, changes=changes)

    assert actual() == expected()


def test_a_paused_listing_reopened_comes_back(skills: None) -> None:
    poster = UserFactory()
    view = job(poster.id)
    public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "paused"})
    assert not OpenRequirement.objects.filter(listing_id=view.id).exists()

    public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "open"})

    assert actual() == expected()
    assert OpenRequirement.objects.filter(listing_id=view.id).count() == 2


def test_a_refused_edit_leaves_the_rows_as_they_were(skills: None) -> None:
    poster = UserFactory()
    view = job(poster.id)
    before = actual()

    with pytest.raises(ListingInvalid):
        public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"location": "Durban", "skills": [
            {"skill": "no-such-skill", "level": 1}
        ]})  # fmt: skip

    assert actual() == before == expected()


def test_expiry_removes_the_rows(skills: None) -> None:
    poster = UserFactory()
    soon = job(poster.id, closes_at=timezone.now() + dt.timedelta(hours=1))
    later = job(poster.id, title="Later analyst", closes_at=timezone.now() + dt.timedelta(days=9))

    assert listings_expire(now=timezone.now() + dt.timedelta(hours=2)) == 1

    assert actual() == expected()
    assert {row[0] for row in actual()} == {later.id}
    assert soon.id not in {row[0] for row in actual()}


def test_a_gig_filled_by_an_accepted_proposal_leaves(skills: None) -> None:
    gig = GigFactory()
    seller = UserFactory()
    proposal = public.application_create(
        applicant_id=seller.id, listing_id=gig.id, cover_letter="I have built landing pages for ten years.",
        expected_pay_minor=500_000, availability="Now",
    )  # fmt: skip
    public.application_transition(actor_id=gig.poster_id, application_id=proposal.id, to_status="offered")
    assert OpenRequirement.objects.filter(listing_id=gig.id).count() == 1

    public.application_transition(actor_id=seller.id, application_id=proposal.id, to_status="accepted")

    assert not OpenRequirement.objects.filter(listing_id=gig.id).exists()
    assert actual() == expected()


def test_a_rebuild_repairs_missing_stale_and_foreign_rows(skills: None) -> None:
    poster = UserFactory()
    first, second = job(poster.id), job(poster.id, title="Second analyst")
    closed = job(poster.id, title="Closed analyst")
    want = expected()
    OpenRequirement.objects.filter(listing_id=first.id).delete()  # missing
    OpenRequirement.objects.filter(listing_id=second.id).update(experience_years=9, place="elsewhere")  # stale
    Listing.objects.filter(id=closed.id).update(status="closed")  # closed behind the services' back: its rows stay

    assert match_index_rebuild(batch=1) == len(want) - 2

    assert actual() == expected() == {row for row in want if row[0] != closed.id}


def test_the_rebuild_command_reports_the_rows(skills: None) -> None:
    poster = UserFactory()
    job(poster.id)
    job(poster.id, title="Second analyst", skills=[])
    OpenRequirement.objects.all().delete()
    out = io.StringIO()

    call_command("rebuild_match_index", "--batch", "1", stdout=out)

    assert out.getvalue() == "Open requirements: 3 rows\n"
    assert actual() == expected()
