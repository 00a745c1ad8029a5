"""Applying and proposing, the allowed transitions with their history and events, the poster's ranked list, and the
message thread; every refusal changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.public import organisation_create, platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.marketplace import public
from azora.marketplace.errors import (
    AlreadyApplied,
    ApplicationInvalid,
    ApplicationNotFound,
    ListingNotFound,
    ListingNotOpen,
    MessageInvalid,
    NotAParty,
    OwnListing,
    TransitionNotAllowed,
)
from azora.marketplace.models import Application, ApplicationTransition, Listing, ListingStatus
from azora.marketplace.public.views import MatchView, TransitionView
from azora.marketplace.tests.applications.conftest import events, market_snapshot
from azora.marketplace.tests.factories import (
    ApplicationFactory,
    GigFactory,
    ListingFactory,
    ListingSkillFactory,
    ProfileFactory,
    SkillFactory,
    UserSkillFactory,
)
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def apply(applicant: User, listing: Listing, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "applicant_id": applicant.id,
        "listing_id": listing.id,
        "cover_letter": "  I build Django services.  ",
        "portfolio_links": ["https://example.test/work"],
        "expected_pay_minor": 2_500_000,
        "availability": "From March",
    }
    arguments.update(overrides)
    return public.application_create(**arguments)


def move(actor: User, application_id: uuid.UUID, to_status: str, note: str = "") -> Any:
    return public.application_transition(
        actor_id=actor.id, application_id=application_id, to_status=to_status, note=note
    )


def test_applying_records_the_application_its_first_status_the_count_and_an_event() -> None:
    python = SkillFactory(name="Python")
    listing = ListingFactory(experience_years=2)
    ListingSkillFactory(listing=listing, skill=python, level=2)
    applicant = UserFactory(display_name="Thandi")
    ProfileFactory(user=applicant, years_experience=3)
    UserSkillFactory(user=applicant, skill=python, level=3, is_verified=True)

    view = apply(applicant, listing)

    assert (view.listing_id, view.listing_title, view.listing_kind, view.poster_id) == (
        listing.id,
        listing.title,
        "job",
        listing.poster_id,
    )
    assert (view.applicant_id, view.applicant_name, view.cover_letter, view.portfolio_links) == (
        applicant.id,
        "Thandi",
        "I build Django services.",
        ("https://example.test/work",),
    )
    assert (view.expected_pay, view.availability, view.status, view.contract_id) == (
        Money(2_500_000, "ZAR"),
        "From March",
        "submitted",
        None,
    )
    assert view.allowed_transitions == ("withdrawn",)
    assert view.match == MatchView(
        score=100,
        skills=100,
        experience=100,
        location=100,
        pay=100,
        reasons=(
            "1 of 1 required skill, 1 verified",
            "Meets the 2 years asked for",
            "Same place: Cape Town",
            "Pay meets your expectation",
        ),
    )
    assert view.history == (
        TransitionView(from_status="", to_status="submitted", actor_id=applicant.id, note="", at=view.history[0].at),
    )
    assert Application.objects.get(id=view.id).match_score == 100
    assert Listing.objects.get(id=listing.id).application_count == 1
    assert events("marketplace.application_submitted") == [
        {
            "application_id": str(view.id),
            "listing_id": str(listing.id),
            "applicant_id": str(applicant.id),
            "poster_id": str(listing.poster_id),
        }
    ]


def _refused(error: type[Exception], call: Any) -> None:
    before = market_snapshot()
    with pytest.raises(error):
        call()
    assert market_snapshot() == before


def test_applying_twice_is_refused_and_changes_nothing() -> None:
    listing, applicant = ListingFactory(), UserFactory()
    apply(applicant, listing)
    _refused(AlreadyApplied, lambda: apply(applicant, listing))
    assert Listing.objects.get(id=listing.id).application_count == 1


@pytest.mark.parametrize("status", ["paused", "filled", "closed", "expired"])
def test_applying_to_a_listing_that_is_not_open_is_refused(status: str) -> None:
    listing = ListingFactory(status=status)
    _refused(ListingNotOpen, lambda: apply(UserFactory(), listing))


def test_a_draft_or_unknown_listing_is_not_found() -> None:
    draft = ListingFactory(status=ListingStatus.DRAFT)
    _refused(ListingNotFound, lambda: apply(UserFactory(), draft))
    _refused(
        ListingNotFound,
        lambda: public.application_create(applicant_id=UserFactory().id, listing_id=uuid.uuid4(), cover_letter="Hello"),
    )


def test_applying_to_ones_own_listing_or_ones_organisations_is_refused() -> None:
    poster = UserFactory()
    own = ListingFactory(poster=poster)
    _refused(OwnListing, lambda: apply(poster, own))
    owner = UserFactory()
    organisation = organisation_create(user_id=owner.id, name="Ubuntu Labs")
    listing = ListingFactory(organisation_id=organisation.id)
    _refused(OwnListing, lambda: apply(owner, listing))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cover_letter": "   "}, "cover_letter"),
        ({"cover_letter": "x" * 10_001}, "cover_letter"),
        ({"portfolio_links": ["javascript:alert(1)"]}, "portfolio_links"),
        ({"portfolio_links": ["https://example.test/"] * 11}, "portfolio_links"),
        ({"expected_pay_minor": -1}, "expected_pay_minor"),
        ({"availability": "y" * 201}, "availability"),
    ],
    ids=["empty-letter", "long-letter", "bad-link", "many-links", "negative-pay", "long-availability"],
)
def test_bad_application_input_is_refused(overrides: dict[str, Any], field: str) -> None:
    listing = ListingFactory()
    before = market_snapshot()
    with pytest.raises(ApplicationInvalid) as raised:
        apply(UserFactory(), listing, **overrides)
    assert raised.value.extra == {"field": field}
    assert market_snapshot() == before


def test_a_job_application_moves_along_the_whole_way_with_its_history_and_events() -> None:
    listing = ListingFactory()
    applicant = UserFactory()
    application = apply(applicant, listing)
    poster = listing.poster

    assert move(poster, application.id, "reviewing").allowed_transitions == ("shortlisted", "rejected")
    assert move(poster, application.id, "shortlisted").allowed_transitions == ("interviewing", "offered", "rejected")
    assert move(poster, application.id, "interviewing", note="Tuesday 10:00").allowed_transitions == (
        "offered",
        "rejected",
    )
    offered = move(poster, application.id, "offered")
    assert offered.allowed_transitions == ()  # the poster waits for the answer
    assert public.application_get(viewer_id=applicant.id, application_id=application.id).allowed_transitions == (
        "accepted",
        "rejected",
        "withdrawn",
    )
    accepted = move(applicant, application.id, "accepted")

    assert (accepted.status, accepted.allowed_transitions, accepted.contract_id) == ("accepted", (), None)
    assert [(step.from_status, step.to_status, step.actor_id, step.note) for step in accepted.history] == [
        ("", "submitted", applicant.id, ""),
        ("submitted", "reviewing", poster.id, ""),
        ("reviewing", "shortlisted", poster.id, ""),
        ("shortlisted", "interviewing", poster.id, "Tuesday 10:00"),
        ("interviewing", "offered", poster.id, ""),
        ("offered", "accepted", applicant.id, ""),
    ]
    assert Application.objects.get(id=application.id).decided_at is not None
    assert [
        (e["from_status"], e["to_status"], e["actor_id"]) for e in events("marketplace.application_status_changed")
    ] == [
        ("submitted", "reviewing", str(poster.id)),
        ("reviewing", "shortlisted", str(poster.id)),
        ("shortlisted", "interviewing", str(poster.id)),
        ("interviewing", "offered", str(poster.id)),
        ("offered", "accepted", str(applicant.id)),
    ]
    assert Listing.objects.get(id=listing.id).status == "open"  # a job may hire more than one person


# (who, from, to): transitions that are refused for a job.
NOT_ALLOWED = [
    ("poster", "submitted", "offered"),  # a job's application is shortlisted first
    ("poster", "submitted", "interviewing"),
    ("poster", "submitted", "accepted"),
    ("poster", "submitted", "withdrawn"),
    ("poster", "offered", "accepted"),
    ("poster", "rejected", "reviewing"),
    ("poster", "accepted", "rejected"),
    ("applicant", "submitted", "reviewing"),
    ("applicant", "submitted", "accepted"),
    ("applicant", "shortlisted", "offered"),
    ("applicant", "withdrawn", "submitted"),
    ("applicant", "rejected", "withdrawn"),
    ("applicant", "accepted", "withdrawn"),
    ("poster", "submitted", "no-such-status"),
    ("admin", "submitted", "reviewing"),
]


@pytest.mark.parametrize(("who", "from_status", "to_status"), NOT_ALLOWED, ids=["-".join(case) for case in NOT_ALLOWED])
def test_transitions_not_allowed_are_refused_and_change_nothing(who: str, from_status: str, to_status: str) -> None:
    application = ApplicationFactory(status=from_status)
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")
    actor = {"poster": application.listing.poster, "applicant": application.applicant, "admin": admin}[who]
    before = market_snapshot()
    with pytest.raises(TransitionNotAllowed) as raised:
        move(actor, application.id, to_status)
    assert raised.value.extra["from_status"] == from_status
    assert market_snapshot() == before


def test_a_stranger_can_neither_see_nor_move_an_application() -> None:
    application = ApplicationFactory()
    stranger = UserFactory()
    _refused(ApplicationNotFound, lambda: move(stranger, application.id, "withdrawn"))
    _refused(ApplicationNotFound, lambda: public.application_get(viewer_id=stranger.id, application_id=application.id))
    _refused(ApplicationNotFound, lambda: move(stranger, uuid.uuid4(), "withdrawn"))


def test_an_organisations_admin_manages_its_listings_applications() -> None:
    owner = UserFactory()
    organisation = organisation_create(user_id=owner.id, name="Ubuntu Labs")
    application = ApplicationFactory(listing=ListingFactory(organisation_id=organisation.id))
    assert move(owner, application.id, "reviewing").status == "reviewing"


def test_the_applicant_withdraws_while_open() -> None:
    application = ApplicationFactory(status="interviewing")
    view = move(application.applicant, application.id, "withdrawn", note="Took another job")
    assert (view.status, view.allowed_transitions) == ("withdrawn", ())
    assert view.history[-1].note == "Took another job"


def test_a_gig_proposal_may_be_offered_straight_away() -> None:
    gig = GigFactory()
    proposal = apply(UserFactory(), gig)
    assert public.application_get(viewer_id=gig.poster_id, application_id=proposal.id).allowed_transitions == (
        "reviewing",
        "shortlisted",
        "offered",
        "rejected",
    )
    assert move(gig.poster, proposal.id, "offered").status == "offered"


def test_accepting_a_gig_proposal_creates_the_contract_and_fills_the_gig() -> None:
    gig = GigFactory()
    seller = UserFactory()
    proposal = apply(seller, gig, expected_pay_minor=500_000)
    move(gig.poster, proposal.id, "offered")

    accepted = move(seller, proposal.id, "accepted")

    assert accepted.status == "accepted"
    assert accepted.contract_id is not None
    contract = public.contract_get(viewer_id=seller.id, contract_id=accepted.contract_id)
    assert (contract.application_id, contract.client_id, contract.seller_id, contract.total) == (
        proposal.id,
        gig.poster_id,
        seller.id,
        Money(500_000, "ZAR"),
    )
    assert [milestone.amount.minor for milestone in contract.milestones] == [200_000, 300_000]
    assert Listing.objects.get(id=gig.id).status == "filled"
    assert events("marketplace.listing_status_changed") == [
        {"listing_id": str(gig.id), "from_status": "open", "to_status": "filled"}
    ]


def test_accepting_an_offer_for_a_gig_that_was_filled_meanwhile_is_refused() -> None:
    gig = GigFactory()
    proposal = ApplicationFactory(listing=gig, status="offered")
    Listing.objects.filter(id=gig.id).update(status=ListingStatus.FILLED)
    _refused(ListingNotOpen, lambda: move(proposal.applicant, proposal.id, "accepted"))


def test_the_poster_sees_applicants_ranked_by_match_with_reasons(django_assert_max_num_queries: Any) -> None:
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    listing = ListingFactory(experience_years=4)
    ListingSkillFactory(listing=listing, skill=python, level=2)
    ListingSkillFactory(listing=listing, skill=sql, level=2)
    weak, strong, middle = UserFactory(), UserFactory(), UserFactory()
    ProfileFactory(user=weak, years_experience=0, location="Nairobi", country="KE")
    ProfileFactory(user=strong, years_experience=5)
    ProfileFactory(user=middle, years_experience=2)
    UserSkillFactory(user=strong, skill=python, level=3, is_verified=True)
    UserSkillFactory(user=strong, skill=sql, level=2, is_verified=True)
    UserSkillFactory(user=middle, skill=python, level=2)
    for person in (weak, strong, middle):
        apply(person, listing)
    apply(UserFactory(), ListingFactory())  # another listing's application is not listed

    with django_assert_max_num_queries(9):
        ranked = public.applications_of_listing(viewer_id=listing.poster_id, listing_id=listing.id)

    assert [(view.applicant_id, view.match.score if view.match else None) for view in ranked] == [
        (strong.id, 100),
        (middle.id, 55),  # skills 25, experience 50, location 100, pay 100: (1000 + 1500 + 1500 + 1500) / 100
        (weak.id, 23),  # skills 0, experience 0, location 50, pay 100: 22.5 rounded half up
    ]
    assert ranked[1].match is not None
    assert ranked[1].match.reasons == (
        "1 of 2 required skills, 0 verified",
        "2 of 4 years",
        "Same place: Cape Town",
        "Pay meets your expectation",
    )
    assert all(view.allowed_transitions == ("reviewing", "shortlisted", "rejected") for view in ranked)
    only_submitted = public.applications_of_listing(
        viewer_id=listing.poster_id, listing_id=listing.id, status="reviewing"
    )
    assert only_submitted == []


def test_only_the_listings_managers_see_its_applicants() -> None:
    application = ApplicationFactory()
    for viewer in (UserFactory(), application.applicant):
        with pytest.raises(ListingNotFound):
            public.applications_of_listing(viewer_id=viewer.id, listing_id=application.listing_id)


def test_my_applications_newest_first_with_my_transitions(django_assert_max_num_queries: Any) -> None:
    applicant = UserFactory()
    first = apply(applicant, ListingFactory())
    second = apply(applicant, GigFactory())
    ApplicationFactory()  # someone else's
    with django_assert_max_num_queries(8):
        mine = public.applications_of_user(user_id=applicant.id)
    assert [(view.id, view.allowed_transitions) for view in mine] == [
        (second.id, ("withdrawn",)),
        (first.id, ("withdrawn",)),
    ]
    assert public.applications_of_user(user_id=applicant.id, status="accepted") == []


def test_the_thread_between_applicant_and_poster() -> None:
    application = ApplicationFactory()
    poster, applicant = application.listing.poster, application.applicant
    sent = public.message_send(sender_id=applicant.id, application_id=application.id, body=" When can I start? ")
    public.message_send(sender_id=poster.id, application_id=application.id, body="Monday.")

    thread = public.messages_of(viewer_id=poster.id, application_id=application.id)

    assert [(m.sender_id, m.sender_name, m.body) for m in thread] == [
        (applicant.id, applicant.display_name, "When can I start?"),
        (poster.id, poster.display_name, "Monday."),
    ]
    assert thread[0] == sent
    assert [e["recipient_id"] for e in events("marketplace.application_message_sent")] == [
        str(poster.id),
        str(applicant.id),
    ]


def test_strangers_and_bad_messages_are_refused_and_admins_only_read() -> None:
    application = ApplicationFactory()
    public.message_send(sender_id=application.applicant_id, application_id=application.id, body="Hello")
    stranger, admin = UserFactory(), UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")

    _refused(ApplicationNotFound, lambda: public.messages_of(viewer_id=stranger.id, application_id=application.id))
    _refused(
        ApplicationNotFound,
        lambda: public.message_send(sender_id=stranger.id, application_id=application.id, body="Hi"),
    )
    _refused(NotAParty, lambda: public.message_send(sender_id=admin.id, application_id=application.id, body="Hi"))
    _refused(
        MessageInvalid,
        lambda: public.message_send(sender_id=application.applicant_id, application_id=application.id, body="  "),
    )
    assert len(public.messages_of(viewer_id=admin.id, application_id=application.id)) == 1


def test_transitions_table_is_what_the_issue_lists() -> None:
    from azora.marketplace.selectors.applications import transitions_allowed

    assert transitions_allowed(status="submitted", kind="job", as_poster=True, as_applicant=False) == (
        "reviewing",
        "shortlisted",
        "rejected",
    )
    assert transitions_allowed(status="interviewing", kind="gig", as_poster=True, as_applicant=False) == (
        "offered",
        "rejected",
    )
    assert transitions_allowed(status="offered", kind="job", as_poster=False, as_applicant=True) == (
        "accepted",
        "rejected",
        "withdrawn",
    )
    assert ApplicationTransition.objects.count() == 0
