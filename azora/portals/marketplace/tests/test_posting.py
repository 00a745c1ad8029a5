"""The poster's side: the new listing form (jobs with skills, gigs with milestones), its refusals with nothing
written, "my listings", applicants ranked by match with their reasons and buttons, and publishing or pausing."""

from __future__ import annotations

import pytest

import azora.marketplace.public as market
from azora.accounts.models import User
from azora.accounts.public import organisation_create
from azora.marketplace.models import Listing
from azora.marketplace.tests.factories import ListingFactory, ProfileFactory
from azora.portals.marketplace.tests.conftest import SignIn, market_rows, propose

pytestmark = pytest.mark.django_db

JOB = {
    "kind": "job",
    "title": "Data analyst",
    "description": "Turn **sales data** into weekly reports.",
    "job_type": "full_time",
    "location": "Nairobi",
    "country": "ke",
    "currency": "KES",
    "pay_min": "120000",
    "pay_max": "180000",
    "pay_period": "month",
    "experience_years": "2",
    "skill_1": "SQL",
    "skill_1_level": "3",
    "skill_1_required": "on",
    "skill_2": "Excel",
    "skill_2_level": "2",
    "publish": "on",
}
GIG = {
    "kind": "gig",
    "title": "Shop website",
    "description": "Five pages and a contact form.",
    "is_remote": "on",
    "currency": "ZAR",
    "pay_period": "month",
    "experience_years": "0",
    "milestone_1": "Design",
    "milestone_1_amount": "1500",
    "milestone_2": "Build",
    "milestone_2_amount": "2500.50",
    "publish": "on",
}


def _levels() -> dict[str, str]:
    return {f"skill_{row}_level": "2" for row in range(1, 7)}


def test_the_form_has_skill_and_milestone_rows(sign_in: SignIn, poster: User) -> None:
    html = sign_in(poster).get("/market/listings/new/").content.decode()

    assert "<h1>Post a job or gig</h1>" in html
    assert '<label for="id_skill_6">Skill 6:</label>' in html
    assert '<label for="id_milestone_5_amount">Amount of milestone 5:</label>' in html
    assert 'name="post_as"' in html
    assert 'type="hidden" name="post_as"' in html


def test_posting_a_job_with_skills(sign_in: SignIn, poster: User) -> None:
    response = sign_in(poster).post("/market/listings/new/", {**_levels(), **JOB})

    listing = Listing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/market/listings/{listing.id}/"
    view = market.listing_get(listing_id=listing.id, viewer_id=poster.id)
    assert (view.kind, view.job_type, view.status, view.country) == ("job", "full_time", "open", "KE")
    assert (view.pay_min.minor, view.pay_max.minor, view.pay_min.currency) == (12_000_000, 18_000_000, "KES")
    assert [(s.name, s.level, s.is_required) for s in view.skills] == [("SQL", 3, True), ("Microsoft Excel", 2, False)]
    assert "<strong>sales data</strong>" in view.description_html


def test_posting_a_gig_with_milestones(sign_in: SignIn, poster: User) -> None:
    client = sign_in(poster)
    response = client.post("/market/listings/new/", {**_levels(), **GIG})

    listing = Listing.objects.get()
    assert response.status_code == 302
    view = market.listing_get(listing_id=listing.id, viewer_id=poster.id)
    assert (view.kind, view.pay_period, view.is_remote) == ("gig", "project", True)
    assert view.pay_min.minor == view.pay_max.minor == 400_050
    assert [(m.title, m.amount_minor) for m in view.milestones] == [("Design", 150_000), ("Build", 250_050)]
    assert "Your listing is published." in client.get(response["Location"]).content.decode()


def test_a_draft_is_saved_unpublished(sign_in: SignIn, poster: User) -> None:
    data = {**_levels(), **JOB}
    del data["publish"]

    sign_in(poster).post("/market/listings/new/", data)

    assert Listing.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"kind": "gig", "milestone_1": "", "milestone_1_amount": "", "milestone_2": "", "milestone_2_amount": ""},
            "A gig needs at least one milestone with a title and an amount.",
        ),
        ({"kind": "gig", "milestone_2_amount": ""}, "Enter this milestone&#x27;s amount."),
        ({"kind": "gig", "milestone_1": ""}, "Give this milestone a title."),
        ({"kind": "job", "pay_min": ""}, "Enter the pay a job offers."),
        ({"kind": "job", "job_type": ""}, "Choose the job type."),
        ({"title": ""}, "Title: This field is required."),
        ({"country": "Kenya"}, "Ensure this value has at most 2 characters"),
        ({"country": "K1"}, "Enter two letters, for example ZA."),
        ({"pay_min": "12.345"}, "Enter at most 2 decimal places."),
    ],
    ids=[
        "gig-no-milestone",
        "milestone-no-amount",
        "milestone-no-title",
        "job-no-pay",
        "job-no-type",
        "no-title",
        "country-long",
        "country-digit",
        "pay-too-precise",
    ],
)
def test_refused_input_shows_its_error_and_writes_nothing(
    sign_in: SignIn, poster: User, changes: dict[str, str], message: str
) -> None:
    base = GIG if changes.get("kind") == "gig" else JOB
    before = market_rows()

    response = sign_in(poster).post("/market/listings/new/", {**_levels(), **base, **changes})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Please correct the following:" in html
    assert message in html
    assert market_rows() == before


def test_an_unknown_skill_is_refused_by_the_marketplace(sign_in: SignIn, poster: User) -> None:
    before = market_rows()

    response = sign_in(poster).post(
        "/market/listings/new/", {**_levels(), **JOB, "skill_1": "Underwater basket weaving"}
    )

    assert response.status_code == 422
    assert "Please correct the following:" in response.content.decode()
    assert market_rows() == before


def test_posting_for_an_organisation(sign_in: SignIn, poster: User) -> None:
    organisation = organisation_create(user_id=poster.id, name="Ubuntu Solar")
    client = sign_in(poster)
    assert (
        '<option value="' + str(organisation.id) + '">Ubuntu Solar</option>'
        in client.get("/market/listings/new/").content.decode()
    )

    client.post("/market/listings/new/", {**_levels(), **JOB, "post_as": str(organisation.id)})

    view = market.listing_get(listing_id=Listing.objects.get().id, viewer_id=None)
    assert (view.organisation_id, view.poster_name) == (organisation.id, "Ubuntu Solar")


def test_my_listings_and_the_ranked_applicants(sign_in: SignIn, poster: User, seller: User, stranger: User) -> None:
    job = ListingFactory(poster=poster, title="Backend developer")
    ProfileFactory(user=seller, years_experience=5)
    ProfileFactory(user=stranger, years_experience=0, location="Lagos", country="NG", is_remote_ok=False)
    weaker = propose(job.id, stranger)
    stronger = propose(job.id, seller)
    ranked = market.applications_of_listing(viewer_id=poster.id, listing_id=job.id)
    assert [a.id for a in ranked] == [stronger.id, weaker.id]
    client = sign_in(poster)

    mine = client.get("/market/my/listings/").content.decode()
    html = client.get(f"/market/listings/{job.id}/applicants/").content.decode()

    assert "Backend developer" in mine
    assert "2 applicants" in mine
    assert html.index("Sipho Dlamini") < html.index("Kwame Mensah")
    for application in ranked:
        assert application.match is not None
        assert f"<strong>{application.match.score}% match</strong>" in html
    assert 'aria-label="Shortlist: Sipho Dlamini"' in html
    assert f'<input type="hidden" name="next" value="/market/listings/{job.id}/applicants/">' in html


def test_a_stranger_cannot_see_the_applicants(sign_in: SignIn, poster: User, stranger: User) -> None:
    job = ListingFactory(poster=poster)

    assert sign_in(stranger).get(f"/market/listings/{job.id}/applicants/").status_code == 404


def test_pausing_and_publishing(sign_in: SignIn, poster: User) -> None:
    job = ListingFactory(poster=poster)
    client = sign_in(poster)

    paused = client.post(f"/market/listings/{job.id}/status/", {"status": "paused"})

    assert paused.status_code == 302
    assert Listing.objects.get().status == "paused"
    assert "The listing is now Paused." in client.get(paused["Location"]).content.decode()
    client.post(f"/market/listings/{job.id}/status/", {"status": "open"})
    assert Listing.objects.get().status == "open"


def test_a_stranger_cannot_change_a_listings_status(sign_in: SignIn, poster: User, stranger: User) -> None:
    job = ListingFactory(poster=poster)
    before = market_rows()

    response = sign_in(stranger).post(f"/market/listings/{job.id}/status/", {"status": "closed"})

    assert response.status_code == 403
    assert Listing.objects.get().status == "open"
    assert market_rows() == before
