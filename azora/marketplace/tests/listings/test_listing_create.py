"""listing_create and listing_get: drafts and open listings, gigs priced by their milestones, sanitised Markdown,
and refused input that writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.marketplace import public
from azora.marketplace.errors import ListingInvalid, ListingNotFound
from azora.marketplace.models import Listing, ListingMilestone, ListingSkill
from azora.marketplace.public import ListingSkillInput, MilestoneInput
from azora.shared.errors import PermissionDenied
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def job(poster: User, **fields: Any) -> public.ListingView:
    values: dict[str, Any] = {
        "poster_id": poster.id,
        "kind": "job",
        "job_type": "full_time",
        "title": "Junior Django developer",
        "description": "Build **APIs** in Python.",
        "location": "Cape Town",
        "country": "za",
        "currency": "ZAR",
        "pay_min_minor": 2_000_000,
        "pay_max_minor": 3_000_000,
        "pay_period": "month",
        "experience_years": 1,
        "skills": [ListingSkillInput(skill="python", level=2), ListingSkillInput(skill="JS", is_required=False)],
    }
    values.update(fields)
    return public.listing_create(**values)


def counts() -> tuple[int, int, int, int]:
    return (
        Listing.objects.count(),
        ListingSkill.objects.count(),
        ListingMilestone.objects.count(),
        OutboxEvent.objects.filter(event_type__startswith="marketplace.listing").count(),
    )


def test_a_published_job_is_open_with_its_skills_pay_and_html() -> None:
    poster = UserFactory(display_name="Thandi Mokoena")
    view = job(poster, publish=True)
    assert view.status == "open"
    assert view.poster_name == "Thandi Mokoena"
    assert view.country == "ZA"
    assert view.pay_min == Money(2_000_000, "ZAR")
    assert view.pay_max == Money(3_000_000, "ZAR")
    assert view.description_html == "<p>Build <strong>APIs</strong> in Python.</p>\n"
    assert [(s.name, s.level, s.level_name, s.is_required) for s in view.skills] == [
        ("Python", 2, "intermediate", True),
        ("JavaScript", 1, "beginner", False),
    ]
    assert view.milestones == ()
    assert view.published_at is not None
    row = Listing.objects.get(id=view.id)
    assert "JavaScript" in row.skills_text
    assert "ecmascript" in row.skills_text
    events = list(
        OutboxEvent.objects.filter(event_type="marketplace.listing_published").values_list("payload", flat=True)
    )
    assert len(events) == 1
    assert events[0]["listing_id"] == str(view.id)
    assert events[0]["kind"] == "job"


def test_a_draft_is_seen_by_its_poster_only() -> None:
    poster, other = UserFactory(), UserFactory()
    view = job(poster)
    assert view.status == "draft"
    assert view.published_at is None
    assert public.listing_get(listing_id=view.id, viewer_id=poster.id).id == view.id
    with pytest.raises(ListingNotFound):
        public.listing_get(listing_id=view.id, viewer_id=other.id)
    with pytest.raises(ListingNotFound):
        public.listing_get(listing_id=view.id, viewer_id=None)
    assert OutboxEvent.objects.filter(event_type="marketplace.listing_published").count() == 0


def test_a_gig_is_priced_by_the_sum_of_its_milestones() -> None:
    poster = UserFactory()
    view = public.listing_create(
        poster_id=poster.id,
        kind="gig",
        title="Landing page for a spaza shop",
        is_remote=True,
        currency="ZAR",
        pay_min_minor=0,
        milestones=[MilestoneInput(title="Design", amount_minor=150_000), MilestoneInput("Build", 350_000)],
        publish=True,
    )
    assert (view.pay_min, view.pay_max, view.pay_period) == (Money(500_000, "ZAR"), Money(500_000, "ZAR"), "project")
    assert view.milestones == (MilestoneInput("Design", 150_000), MilestoneInput("Build", 350_000))
    assert view.job_type == ""


def test_markdown_is_sanitised_scripts_and_javascript_links_never_survive() -> None:
    poster = UserFactory()
    description = (
        "# Role\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) [site](https://azora.example)\n\n"
        '<img src=x onerror="alert(1)">'
    )
    view = job(poster, description=description)
    # Raw HTML is shown as text, a javascript: link is not made a link, and the one h1 of the page is not ours.
    assert view.description_html == (
        "<h2>Role</h2>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        '<p>[click](javascript:alert(1)) <a href="https://azora.example" rel="noopener noreferrer nofollow ugc">'
        "site</a></p>\n"
        '<p>&lt;img src=x onerror="alert(1)"&gt;</p>\n'
    )
    assert view.description == description


def test_posting_for_an_organisation_needs_a_managing_role_and_shows_its_name() -> None:
    admin, member = UserFactory(), UserFactory()
    organisation = OrganisationFactory(name="Ubuntu Solar")
    MembershipFactory(organisation=organisation, user=admin, role="admin")
    MembershipFactory(organisation=organisation, user=member, role="member")
    view = job(admin, organisation_id=organisation.id)
    assert view.poster_name == "Ubuntu Solar"
    assert view.organisation_id == organisation.id
    before = counts()
    with pytest.raises(PermissionDenied):
        job(member, organisation_id=organisation.id)
    assert counts() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "internship"}, "kind"),
        ({"title": "ab"}, "title"),
        ({"job_type": ""}, "job_type"),
        ({"currency": "XXX"}, "currency"),
        ({"pay_min_minor": -1}, "pay_min_minor"),
        ({"pay_max_minor": 1_000}, "pay_max_minor"),
        ({"pay_period": "project"}, "pay_period"),
        ({"location": "", "is_remote": False}, "location"),
        ({"country": "ZAF"}, "country"),
        ({"experience_years": 61}, "experience_years"),
        ({"skills": [ListingSkillInput(skill="no such skill")]}, "skills.0.skill"),
        ({"skills": [ListingSkillInput(skill="python", level=5)]}, "skills.0.level"),
        ({"skills": [ListingSkillInput(skill="python"), ListingSkillInput(skill="py")]}, "skills.1.skill"),
        ({"milestones": [MilestoneInput("Design", 100)]}, "milestones"),
        ({"publish": True, "closes_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "closes_at"),
    ],
    ids=[
        "kind", "title", "job-type", "currency", "negative-pay", "max-below-min", "job-project", "no-location",
        "country", "experience", "unknown-skill", "level", "skill-twice", "job-milestones", "closed-already",
    ],
)  # fmt: skip
def test_refused_input_writes_nothing(fields: dict[str, Any], field: str) -> None:
    poster = UserFactory()
    before = counts()
    with pytest.raises(ListingInvalid) as raised:
        job(poster, **fields)
    assert raised.value.extra["errors"][0]["field"] == field
    assert counts() == before


def test_a_gig_price_that_is_not_the_sum_of_its_milestones_is_refused() -> None:
    poster = UserFactory()
    before = counts()
    with pytest.raises(ListingInvalid):
        public.listing_create(
            poster_id=poster.id,
            kind="gig",
            title="Logo design",
            is_remote=True,
            currency="ZAR",
            pay_min_minor=90_000,
            milestones=[MilestoneInput("Logo", 100_000)],
        )
    assert counts() == before


def test_a_closing_date_in_the_future_is_kept() -> None:
    closes = timezone.now() + dt.timedelta(days=30)
    view = job(UserFactory(), closes_at=closes, publish=True)
    assert view.closes_at == closes
