"""The marketplace demo: 34 open listings from seven organisations and the instructor, the demo people's skill
profiles, the learner's shortlisted application and a gig contract in progress; a second run changes nothing."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from azora.accounts.public import active_user_id_by_email
from azora.marketplace import public as market
from azora.marketplace.demo import (
    APPLIED_JOB_TITLE,
    CONTRACT_GIG_TITLE,
    LISTINGS,
    ORGANISATIONS,
    PROFILES,
    demo_listing_ids,
)
from azora.marketplace.models import (
    Application,
    ApplicationTransition,
    Contract,
    Listing,
    ListingMilestone,
    ListingSkill,
    Message,
    Milestone,
    Profile,
    UserSkill,
)
from azora.shared import demo
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

MARKETPLACE_ORDER = 65


def _load(*names: str, capture: Any) -> None:
    with capture(execute=True):
        demo.load_demo_data(only=list(names))


def _user(email: str) -> Any:
    user_id = active_user_id_by_email(email=email)
    assert user_id is not None
    return user_id


def _rows(table: str) -> int:
    """Rows of another app's table (its models are not the marketplace's to import)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 -- a fixed table name
        return int(cursor.fetchone()[0])


def _snapshot() -> tuple[Any, ...]:
    """Every row the demo writes, with the moment each last changed: a rerun that touched one would show."""
    return (
        sorted(Listing.objects.values_list("id", "status", "updated_at", "application_count")),
        ListingSkill.objects.count(),
        ListingMilestone.objects.count(),
        sorted(Profile.objects.values_list("user_id", "updated_at")),
        sorted(UserSkill.objects.values_list("id", "level", "updated_at")),
        sorted(Application.objects.values_list("id", "status", "updated_at")),
        ApplicationTransition.objects.count(),
        Message.objects.count(),
        sorted(Contract.objects.values_list("id", "status", "updated_at")),
        sorted(Milestone.objects.values_list("id", "status", "updated_at")),
        _rows("finance_transfer"),
        _rows("payments_paymentintent"),
        OutboxEvent.objects.count(),
    )


def test_the_marketplace_demo_runs_after_accounts_education_and_finance_and_before_agents() -> None:
    orders = {entry.name: entry.order for entry in demo.registered_loaders()}
    assert orders["marketplace"] == MARKETPLACE_ORDER
    assert max(orders["accounts"], orders["education"], orders["finance"], orders["payments"]) < MARKETPLACE_ORDER
    assert orders["agents"] > MARKETPLACE_ORDER


def test_the_demo_has_open_jobs_and_gigs_from_several_organisations(django_capture_on_commit_callbacks: Any) -> None:
    _load("accounts", "finance", "marketplace", capture=django_capture_on_commit_callbacks)
    admin_id, instructor_id = _user("admin@azora.local"), _user("instructor@azora.local")

    listings = Listing.objects.all()
    assert listings.count() == len(LISTINGS) == 34
    assert Counter(listings.values_list("kind", flat=True)) == {"job": 23, "gig": 11}
    # Open, but for the instructor's gig the learner's accepted proposal has filled.
    assert Counter(listings.values_list("status", flat=True)) == {"open": 33, "filled": 1}
    assert listings.get(status="filled").title == CONTRACT_GIG_TITLE
    assert set(listings.values_list("poster_id", flat=True)) == {admin_id, instructor_id}
    # Seven organisations post (the demo admin manages each), the instructor posts three gigs personally.
    organisation_ids = set(listings.exclude(organisation_id=None).values_list("organisation_id", flat=True))
    assert len(organisation_ids) == len(ORGANISATIONS) == 7
    assert listings.filter(organisation_id=None).count() == 3
    assert set(listings.values_list("currency", flat=True)) == {"ZAR", "KES"}
    # Every skill named resolved in the catalogue: each listing asks for exactly the skills written in the demo.
    for spec in LISTINGS:
        listing = listings.get(title=spec.title)
        asked = set(ListingSkill.objects.filter(listing=listing).values_list("skill__name", "level", "is_required"))
        assert asked == set(spec.skills), spec.title
        milestones = list(ListingMilestone.objects.filter(listing=listing).values_list("title", "amount_minor"))
        assert milestones == list(spec.milestones), spec.title
        if spec.kind == "gig":
            assert (listing.pay_min_minor, listing.pay_max_minor) == (sum(m[1] for m in spec.milestones),) * 2
    # The organisation's name is what a reader sees as the poster.
    solar = market.listing_get(listing_id=demo_listing_ids()["Solar PV installer"], viewer_id=None)
    assert (solar.poster_name, solar.location, solar.pay_min, solar.pay_max) == (
        "Karoo Solar Co-operative",
        "Upington",
        Money(1_600_000, "ZAR"),
        Money(2_200_000, "ZAR"),
    )
    tutor = market.listing_get(listing_id=demo_listing_ids()["Python tutor for evening classes"], viewer_id=None)
    assert "<strong>Python basics</strong>" in tutor.description_html
    found = market.listing_search(viewer_id=None, query="solar", with_facets=False)
    assert {item.title for item in found.items} >= {"Solar PV installer", "Solar savings calculator in a spreadsheet"}


def test_the_demo_people_have_skill_profiles_and_the_learner_has_matches(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load("accounts", "finance", "marketplace", capture=django_capture_on_commit_callbacks)
    learner_id = _user("learner@azora.local")

    for email, (headline, _bio, location, country, _remote, years, pay, skills) in PROFILES.items():
        profile = market.profile_get(user_id=_user(email), viewer_id=None)
        assert (profile.headline, profile.location, profile.country, profile.years_experience) == (
            headline,
            location,
            country,
            years,
        )
        assert profile.expected_pay == Money(*pay)
        assert {(held.skill.name, held.level) for held in profile.skills} == set(skills)

    matches = market.matches_for_user(user_id=learner_id, limit=50)
    titles = [match.listing.title for match in matches]
    assert APPLIED_JOB_TITLE in titles
    assert "Booking spreadsheet clean-up" in titles
    assert all(match.match.score >= 60 for match in matches)
    assert [match.match.score for match in matches] == sorted((match.match.score for match in matches), reverse=True)
    # Nothing the learner lacks entirely ranks: the React job asks for three skills they do not hold.
    assert "Frontend developer (React)" not in titles


def test_the_learner_has_a_shortlisted_application_and_a_gig_contract_in_progress(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load("accounts", "finance", "marketplace", capture=django_capture_on_commit_callbacks)
    learner_id, instructor_id = _user("learner@azora.local"), _user("instructor@azora.local")

    applications = {view.listing_title: view for view in market.applications_of_user(user_id=learner_id)}
    assert set(applications) == {APPLIED_JOB_TITLE, CONTRACT_GIG_TITLE}
    assert applications[APPLIED_JOB_TITLE].status == "shortlisted"
    applied = market.application_get(viewer_id=learner_id, application_id=applications[APPLIED_JOB_TITLE].id)
    assert [(t.from_status, t.to_status) for t in applied.history] == [
        ("", "submitted"),
        ("submitted", "reviewing"),
        ("reviewing", "shortlisted"),
    ]
    gig = applications[CONTRACT_GIG_TITLE]
    assert gig.status == "accepted"
    assert gig.contract_id is not None
    assert Listing.objects.get(title=CONTRACT_GIG_TITLE).status == "filled"

    contract = market.contract_get(viewer_id=learner_id, contract_id=gig.contract_id)
    assert (contract.client_id, contract.seller_id, contract.status) == (instructor_id, learner_id, "active")
    assert contract.total == Money(300_000, "ZAR")
    assert [(m.position, m.amount, m.status, m.funding_source) for m in contract.milestones] == [
        (1, Money(120_000, "ZAR"), "submitted", "card"),
        (2, Money(180_000, "ZAR"), "pending", ""),
    ]
    assert contract.held == Money(120_000, "ZAR")
    assert contract.released == Money(0, "ZAR")
    assert contract.milestones[0].auto_release_at is not None
    thread = market.messages_of(viewer_id=instructor_id, application_id=gig.id)
    assert [message.sender_id for message in thread] == [learner_id, instructor_id, learner_id]


def test_a_second_run_changes_nothing(django_capture_on_commit_callbacks: Any) -> None:
    _load("accounts", "finance", "marketplace", capture=django_capture_on_commit_callbacks)
    before = _snapshot()
    assert len(before[0]) == 34  # the listings
    assert len(before[8]) == 1  # the contract

    _load("marketplace", capture=django_capture_on_commit_callbacks)

    assert _snapshot() == before


def test_without_the_demo_accounts_it_logs_and_returns(
    django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="azora.marketplace.demo"):
        _load("marketplace", capture=django_capture_on_commit_callbacks)

    assert (Listing.objects.count(), Profile.objects.count(), Application.objects.count()) == (0, 0, 0)
    assert [record.getMessage() for record in caplog.records if record.name == "azora.marketplace.demo"] == [
        "marketplace demo skipped: the accounts demo's users are missing"
    ]
