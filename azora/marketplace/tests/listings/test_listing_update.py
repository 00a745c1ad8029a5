"""listing_update and the expiry job: edits re-render and re-index, status moves only along the allowed paths (an
event each), final statuses refuse everything, and refused changes write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.marketplace import public
from azora.marketplace.errors import ListingInvalid, ListingNotEditable, ListingNotFound
from azora.marketplace.jobs_listings import expire_listings_task
from azora.marketplace.models import Listing, ListingMilestone, ListingSkill
from azora.marketplace.public import ListingSkillInput, MilestoneInput
from azora.marketplace.services.listings import listings_expire
from azora.marketplace.tests.factories import ApplicationFactory, GigFactory, ListingFactory
from azora.shared.errors import PermissionDenied
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def draft(poster_id: Any, **fields: Any) -> public.ListingView:
    values: dict[str, Any] = {
        "poster_id": poster_id,
        "kind": "job",
        "job_type": "internship",
        "title": "Solar installation intern",
        "location": "Polokwane",
        "currency": "ZAR",
        "pay_min_minor": 500_000,
        "skills": [ListingSkillInput("solar", 1)],
    }
    values.update(fields)
    return public.listing_create(**values)


def snapshot(listing_id: Any) -> tuple[dict[str, Any], list[Any], list[Any], int]:
    return (
        dict(Listing.objects.filter(id=listing_id).values().get()),
        list(ListingSkill.objects.filter(listing_id=listing_id).values_list("skill__slug", "level", "is_required")),
        list(ListingMilestone.objects.filter(listing_id=listing_id).values_list("title", "amount_minor")),
        OutboxEvent.objects.filter(event_type__startswith="marketplace.listing").count(),
    )


def status_events() -> list[tuple[str, str]]:
    rows = OutboxEvent.objects.filter(event_type="marketplace.listing_status_changed").order_by("occurred_at", "id")
    return [(row.payload["from_status"], row.payload["to_status"]) for row in rows]


def test_draft_open_paused_open_filled_with_an_event_each() -> None:
    poster = UserFactory()
    view = draft(poster.id)
    opened = public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "open"})
    assert opened.status == "open"
    assert opened.published_at is not None
    published_at = opened.published_at
    public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "paused"})
    reopened = public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "open"})
    assert reopened.published_at == published_at  # first publication kept
    public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"status": "filled"})
    assert OutboxEvent.objects.filter(event_type="marketplace.listing_published").count() == 1
    assert status_events() == [("open", "paused"), ("paused", "open"), ("open", "filled")]
    before = snapshot(view.id)
    with pytest.raises(ListingNotEditable):
        public.listing_update(actor_id=poster.id, listing_id=view.id, changes={"title": "Another title"})
    assert snapshot(view.id) == before


@pytest.mark.parametrize(
    ("start", "to"),
    [("draft", "paused"), ("draft", "filled"), ("open", "draft"), ("paused", "expired"), ("open", "expired")],
    ids=["draft-paused", "draft-filled", "open-draft", "paused-expired", "open-expired"],
)
def test_transitions_not_allowed_change_nothing(start: str, to: str) -> None:
    poster = UserFactory()
    listing = ListingFactory(poster=poster, status=start)
    before = snapshot(listing.id)
    with pytest.raises(ListingNotEditable):
        public.listing_update(actor_id=poster.id, listing_id=listing.id, changes={"status": to})
    assert snapshot(listing.id) == before


def test_an_edit_re_renders_the_description_and_re_indexes_skills() -> None:
    poster = UserFactory()
    view = draft(poster.id, publish=True)
    changed = public.listing_update(
        actor_id=poster.id,
        listing_id=view.id,
        changes={
            "description": "Install *panels*.",
            "skills": [ListingSkillInput("electrician", 2), {"skill": "first aid", "level": 1, "is_required": False}],
        },
    )
    assert changed.description_html == "<p>Install <em>panels</em>.</p>\n"
    assert [(s.name, s.level, s.is_required) for s in changed.skills] == [
        ("Electrical installation", 2, True),
        ("First aid", 1, False),
    ]
    row = Listing.objects.get(id=view.id)
    assert row.skills_text.startswith("Electrical installation electrician")
    found = public.listing_search(viewer_id=None, query="electrician")
    assert [item.id for item in found.items] == [view.id]
    assert public.listing_search(viewer_id=None, query="photovoltaics").items == ()  # the old skill's alias


def test_only_managers_edit_and_others_see_no_draft() -> None:
    poster, stranger, org_admin = UserFactory(), UserFactory(), UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=poster, role="owner")
    MembershipFactory(organisation=organisation, user=org_admin, role="admin")
    view = draft(poster.id, organisation_id=organisation.id)
    before = snapshot(view.id)
    with pytest.raises(ListingNotFound):
        public.listing_update(actor_id=stranger.id, listing_id=view.id, changes={"status": "open"})
    assert snapshot(view.id) == before
    public.listing_update(actor_id=org_admin.id, listing_id=view.id, changes={"status": "open"})
    before = snapshot(view.id)
    with pytest.raises(PermissionDenied):
        public.listing_update(actor_id=stranger.id, listing_id=view.id, changes={"status": "closed"})
    assert snapshot(view.id) == before


@pytest.mark.parametrize(
    "changes",
    [{"title": "no"}, {"kind": "gig"}, {"pay_max_minor": 1}, {"skills": [ListingSkillInput("nope")]},
     {"status": "open", "closes_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, {"milestones": [MilestoneInput("a", 1)]}],
    ids=["title", "kind", "pay", "skill", "closes-in-the-past", "job-milestones"],
)  # fmt: skip
def test_refused_edits_write_nothing(changes: dict[str, Any]) -> None:
    poster = UserFactory()
    view = draft(poster.id)
    before = snapshot(view.id)
    with pytest.raises(ListingInvalid):
        public.listing_update(actor_id=poster.id, listing_id=view.id, changes=changes)
    assert snapshot(view.id) == before


def test_a_gig_keeps_its_price_once_someone_applied() -> None:
    gig = GigFactory()
    ApplicationFactory(listing=gig)
    Listing.objects.filter(id=gig.id).update(application_count=1)
    before = snapshot(gig.id)
    with pytest.raises(ListingNotEditable):
        public.listing_update(
            actor_id=gig.poster_id, listing_id=gig.id, changes={"milestones": [MilestoneInput("All", 100)]}
        )
    assert snapshot(gig.id) == before


def test_a_gig_without_applications_changes_price_with_its_milestones() -> None:
    gig = GigFactory()
    view = public.listing_update(
        actor_id=gig.poster_id,
        listing_id=gig.id,
        changes={"milestones": [MilestoneInput("Design", 100_000), MilestoneInput("Build", 250_000)]},
    )
    assert (view.pay_min.minor, view.pay_max.minor) == (350_000, 350_000)
    assert view.milestones == (MilestoneInput("Design", 100_000), MilestoneInput("Build", 250_000))


def test_the_expiry_job_expires_open_and_paused_listings_past_their_closing_date() -> None:
    now = timezone.now()
    past = now - dt.timedelta(minutes=1)
    due_open = ListingFactory(closes_at=past)
    due_paused = ListingFactory(closes_at=past, status="paused")
    ListingFactory(closes_at=now + dt.timedelta(days=1))
    ListingFactory(closes_at=past, status="filled")
    ListingFactory(closes_at=None)
    assert listings_expire(now=now) == 2
    assert listings_expire(now=now) == 0  # nothing left to do
    expired = set(Listing.objects.filter(status="expired").values_list("id", flat=True))
    assert expired == {due_open.id, due_paused.id}
    assert sorted(status_events()) == [("open", "expired"), ("paused", "expired")]
    assert expire_listings_task.call() == 0
