"""Browse and search: a plain GET form (works without script), the HTMX results fragment, facets with counts,
a refused filter shown beside its field, and a listing's page with the viewer's match explained."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

import azora.marketplace.public as market
from azora.accounts.models import User
from azora.marketplace.tests.factories import ProfileFactory
from azora.portals.marketplace.tests.conftest import HTMX, SignIn, market_rows

pytestmark = pytest.mark.django_db


def _job(poster: User, title: str, **fields: object) -> market.ListingView:
    arguments: dict[str, object] = {
        "kind": "job",
        "job_type": "full_time",
        "title": title,
        "description": "Build and run **Django** services for a bank.",
        "location": "Cape Town",
        "country": "ZA",
        "currency": "ZAR",
        "pay_min_minor": 2_000_000,
        "pay_max_minor": 3_000_000,
        "pay_period": "month",
        "experience_years": 2,
        "skills": (market.ListingSkillInput(skill="Python", level=2),),
        "publish": True,
        **fields,
    }
    return market.listing_create(poster_id=poster.id, **arguments)  # type: ignore[arg-type]


def _gig(poster: User, title: str, **fields: object) -> market.ListingView:
    arguments: dict[str, object] = {
        "kind": "gig",
        "title": title,
        "description": "A landing page with a contact form.",
        "is_remote": True,
        "currency": "ZAR",
        "pay_min_minor": 500_000,
        "milestones": (market.MilestoneInput("Design", 200_000), market.MilestoneInput("Build", 300_000)),
        "publish": True,
        **fields,
    }
    return market.listing_create(poster_id=poster.id, **arguments)  # type: ignore[arg-type]


def _titles(html: str) -> list[str]:
    return [html_lib.unescape(t) for t in re.findall(r'class="listing-title"><a href="[^"]+">([^<]+)</a>', html)]


def test_visitors_browse_open_listings_only(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")
    _gig(poster, "Landing page for a bakery")
    _job(poster, "Draft role", publish=False)

    response = client.get("/market/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Jobs and gigs</h1>" in html
    assert sorted(_titles(html)) == ["Backend developer", "Landing page for a bakery"]
    assert "2 listings found." in html
    assert '<a href="/market/">Marketplace</a>' not in html  # the shell link is marked as the current page
    assert 'aria-current="page">Marketplace</a>' in html


def test_search_words_and_the_htmx_fragment(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")
    _gig(poster, "Landing page for a bakery")

    page = client.get("/market/", {"q": "bakery"})
    fragment = client.get("/market/", {"q": "bakery"}, headers=HTMX)

    assert _titles(page.content.decode()) == ["Landing page for a bakery"]
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results" class="browse-layout">')
    assert _titles(body) == ["Landing page for a bakery"]
    assert "HX-Request" in fragment["Vary"]


def test_facets_count_and_narrow_the_results(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")
    _gig(poster, "Landing page for a bakery")

    html = client.get("/market/").content.decode()

    assert re.search(r'<a href="\?kind=job">Job</a>\s*<span class="facet-count">\(1\)</span>', html)
    assert re.search(r'<a href="\?kind=gig">Gig</a>\s*<span class="facet-count">\(1\)</span>', html)
    gigs = client.get("/market/", {"kind": "gig"}).content.decode()
    assert _titles(gigs) == ["Landing page for a bakery"]
    assert re.search(
        r'<a href="\?" aria-current="true"><span class="visually-hidden">Remove filter: </span>Gig</a>', gigs
    )


def test_filters_remote_and_skill(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")
    _gig(poster, "Landing page for a bakery")

    remote = client.get("/market/", {"remote": "yes"}).content.decode()
    python = client.get("/market/", {"skill": "python"}).content.decode()

    assert _titles(remote) == ["Landing page for a bakery"]
    assert _titles(python) == ["Backend developer"]


def test_a_pay_floor_without_a_currency_is_refused_beside_the_field(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")
    before = market_rows()

    response = client.get("/market/", {"pay_min": "25000"})

    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose a currency to filter by pay." in html
    assert "Please correct the search above." in html
    assert market_rows() == before


def test_an_amount_that_is_not_a_number_is_refused(client: Client) -> None:
    response = client.get("/market/", {"pay_min": "lots", "currency": "ZAR"})

    assert response.status_code == 422
    assert "Enter an amount as a number, for example 25.00." in response.content.decode()


def test_no_results_says_so(client: Client, poster: User) -> None:
    _job(poster, "Backend developer")

    html = client.get("/market/", {"q": "astronaut"}).content.decode()

    assert "Nothing matches your search. Try fewer words or fewer filters." in html


def test_a_listing_page_for_a_visitor_asks_to_sign_in(client: Client, poster: User) -> None:
    listing = _gig(poster, "Landing page for a bakery")

    html = client.get(f"/market/listings/{listing.id}/").content.decode()

    assert "<h1>Landing page for a bakery</h1>" in html
    assert "<p>A landing page with a contact form.</p>" in html
    assert "Sign in to see how well you fit and to apply." in html
    assert re.search(r"<span>Design</span> <span class=\"amount\">2,000.00 ZAR</span>", html)
    assert "5,000.00 ZAR fixed price" in html


def test_a_signed_in_reader_sees_their_match_explained(sign_in: SignIn, poster: User, seller: User) -> None:
    listing = _job(poster, "Backend developer")
    ProfileFactory(user=seller, years_experience=3, location="Cape Town", country="ZA")
    market.skills_set(user_id=seller.id, skills=[("Python", 3)])
    match = market.match_for(user_id=seller.id, listing_id=listing.id)

    html = sign_in(seller).get(f"/market/listings/{listing.id}/").content.decode()

    assert f"<strong>{match.score}% match</strong>" in html
    for reason in match.reasons:
        assert f"<li>{html_lib.escape(reason)}</li>" in html
    assert f'href="/market/listings/{listing.id}/apply/"' in html


def test_the_poster_sees_their_applicants_link(sign_in: SignIn, poster: User) -> None:
    listing = _job(poster, "Backend developer")

    html = sign_in(poster).get(f"/market/listings/{listing.id}/").content.decode()

    assert "This is your listing." in html
    assert f'href="/market/listings/{listing.id}/applicants/">See 0 applicants</a>' in html


def test_someone_elses_draft_is_not_found(sign_in: SignIn, poster: User, seller: User) -> None:
    draft = _job(poster, "Draft role", publish=False)

    assert sign_in(seller).get(f"/market/listings/{draft.id}/").status_code == 404
    assert sign_in(poster).get(f"/market/listings/{draft.id}/").status_code == 200


def test_my_matches_lists_good_fits_with_reasons(sign_in: SignIn, poster: User, seller: User) -> None:
    listing = _job(poster, "Backend developer")
    ProfileFactory(user=seller, years_experience=3, location="Cape Town", country="ZA", expected_pay_minor=2_000_000)
    market.skills_set(user_id=seller.id, skills=[("Python", 3)])
    expected = market.matches_for_user(user_id=seller.id)
    assert [item.listing.id for item in expected] == [listing.id]

    html = sign_in(seller).get("/market/matches/").content.decode()

    assert _titles(html) == ["Backend developer"]
    assert f"<strong>{expected[0].match.score}% match</strong>" in html
