"""Applying and proposing, "my applications", one application's page with its thread, and status changes;
every refusal (twice, a closed listing, one's own, a transition not allowed, a stranger) changes nothing."""

from __future__ import annotations

import pytest

import azora.marketplace.public as market
from azora.accounts.models import User
from azora.marketplace.models import Application, ListingStatus
from azora.marketplace.tests.factories import GigFactory, ListingFactory
from azora.portals.marketplace.tests.conftest import HTMX, SignIn, market_rows, propose, states

pytestmark = pytest.mark.django_db

LETTER = {"cover_letter": "I have run Django services for three years.", "availability": "From next month"}


def test_the_apply_form_shows_the_listing_and_its_fields(sign_in: SignIn, poster: User, seller: User) -> None:
    job = ListingFactory(poster=poster, title="Backend developer")

    html = sign_in(seller).get(f"/market/listings/{job.id}/apply/").content.decode()

    assert "<h1>Apply</h1>" in html
    assert '<label for="id_cover_letter">Cover letter:</label>' in html
    assert '<label for="id_expected_pay">Expected pay in ZAR (optional):</label>' in html


def test_applying_sends_the_application(sign_in: SignIn, poster: User, seller: User) -> None:
    job = ListingFactory(poster=poster, title="Backend developer")

    client = sign_in(seller)
    response = client.post(
        f"/market/listings/{job.id}/apply/",
        {**LETTER, "expected_pay": "25000", "portfolio_links": "https://github.com/sipho\nhttps://sipho.dev"},
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/market/applications/{application.id}/"
    assert (application.applicant_id, application.listing_id, application.status) == (seller.id, job.id, "submitted")
    assert application.expected_pay_minor == 2_500_000
    assert application.portfolio_links == ["https://github.com/sipho", "https://sipho.dev"]
    page = client.get(response["Location"]).content.decode()
    assert "Your application was sent." in page
    assert '<span class="status status-neutral">Submitted</span>' in page


def test_a_gig_takes_a_proposal(sign_in: SignIn, poster: User, seller: User) -> None:
    gig = GigFactory(poster=poster)
    client = sign_in(seller)
    assert "<h1>Send a proposal</h1>" in client.get(f"/market/listings/{gig.id}/apply/").content.decode()

    response = client.post(f"/market/listings/{gig.id}/apply/", LETTER)

    assert response.status_code == 302
    assert "Your proposal was sent." in client.get(response["Location"]).content.decode()


def test_applying_twice_is_refused_and_writes_nothing(sign_in: SignIn, poster: User, seller: User) -> None:
    job = ListingFactory(poster=poster)
    propose(job.id, seller)
    before = market_rows()

    response = sign_in(seller).post(f"/market/listings/{job.id}/apply/", LETTER)

    assert response.status_code == 409
    html = response.content.decode()
    assert "<li>You have already applied to this listing.</li>" in html
    assert market_rows() == before


def test_applying_to_ones_own_listing_is_refused(sign_in: SignIn, poster: User) -> None:
    job = ListingFactory(poster=poster)
    before = market_rows()

    response = sign_in(poster).post(f"/market/listings/{job.id}/apply/", LETTER)

    assert response.status_code == 409
    assert "<li>You cannot apply to your own listing.</li>" in response.content.decode()
    assert market_rows() == before


def test_applying_to_a_closed_listing_is_refused(sign_in: SignIn, poster: User, seller: User) -> None:
    job = ListingFactory(poster=poster, status=ListingStatus.CLOSED)
    before = market_rows()

    response = sign_in(seller).post(f"/market/listings/{job.id}/apply/", LETTER)

    assert response.status_code == 409
    assert "<li>This listing is not open for applications.</li>" in response.content.decode()
    assert market_rows() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cover_letter": ""}, "Cover letter: This field is required."),
        ({**LETTER, "portfolio_links": "my github"}, "my github is not a web address; start it with https://."),
        ({**LETTER, "portfolio_links": "javascript:alert(1)"}, "is not a web address; start it with https://."),
        ({**LETTER, "expected_pay": "-5"}, "Enter an amount greater than zero."),
        ({**LETTER, "available_from": "tomorrow"}, "Enter a valid date."),
    ],
    ids=["no-letter", "bad-link", "script-link", "negative-pay", "bad-date"],
)
def test_invalid_input_comes_back_with_its_error(
    sign_in: SignIn, poster: User, seller: User, data: dict[str, str], message: str
) -> None:
    job = ListingFactory(poster=poster)
    before = market_rows()

    response = sign_in(seller).post(f"/market/listings/{job.id}/apply/", data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert market_rows() == before


def test_an_htmx_application_error_redraws_only_the_form(sign_in: SignIn, poster: User, seller: User) -> None:
    job = ListingFactory(poster=poster)

    response = sign_in(seller).post(f"/market/listings/{job.id}/apply/", {"cover_letter": ""}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 422
    assert body.lstrip().startswith('<section id="apply-panel" class="card"')
    assert "Please correct the following:" in body


def test_my_applications_list_their_status(sign_in: SignIn, poster: User, seller: User) -> None:
    first = ListingFactory(poster=poster, title="Backend developer")
    second = GigFactory(poster=poster, title="Logo for a co-op")
    propose(first.id, seller)
    rejected = propose(second.id, seller)
    market.application_transition(actor_id=poster.id, application_id=rejected.id, to_status="rejected")
    client = sign_in(seller)

    html = client.get("/market/my/applications/").content.decode()
    only_rejected = client.get("/market/my/applications/", {"status": "rejected"}, headers=HTMX).content.decode()

    assert "Backend developer" in html
    assert "Logo for a co-op" in html
    assert '<span class="status status-muted">Rejected</span>' in html
    assert '<span class="status status-neutral">Submitted</span>' in html
    assert "Logo for a co-op" in only_rejected
    assert "Backend developer" not in only_rejected
    assert only_rejected.lstrip().startswith('<div id="applications">')


def test_the_thread_between_poster_and_applicant(sign_in: SignIn, poster: User, seller: User) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)
    url = f"/market/applications/{application.id}/"

    sent = sign_in(poster).post(url + "messages/", {"body": "Can you start on the 1st?"})
    reply = sign_in(seller).post(url + "messages/", {"body": "Yes, I can."}, headers=HTMX)

    assert sent.status_code == 302
    assert sent["Location"] == url + "#thread"
    assert reply.status_code == 200
    assert reply.content.decode().lstrip().startswith('<section id="thread" class="thread"')
    html = sign_in(poster).get(url).content.decode()
    assert html.index("Can you start on the 1st?") < html.index("Yes, I can.")
    assert [m.body for m in market.messages_of(viewer_id=poster.id, application_id=application.id)] == [
        "Can you start on the 1st?",
        "Yes, I can.",
    ]


def test_an_empty_message_is_refused(sign_in: SignIn, poster: User, seller: User) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)
    before = market_rows()

    response = sign_in(seller).post(f"/market/applications/{application.id}/messages/", {"body": ""})

    assert response.status_code == 422
    assert "Message: This field is required." in response.content.decode()
    assert market_rows() == before


def test_a_stranger_cannot_see_or_touch_an_application(
    sign_in: SignIn, poster: User, seller: User, stranger: User
) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)
    client = sign_in(stranger)
    before, before_states = market_rows(), states()
    url = f"/market/applications/{application.id}/"

    assert client.get(url).status_code == 404
    assert client.post(url + "messages/", {"body": "Hello"}).status_code == 404
    assert client.post(url + "transition/", {"to_status": "withdrawn"}).status_code == 404
    assert market_rows() == before
    assert states() == before_states


def test_the_poster_moves_an_application_along(sign_in: SignIn, poster: User, seller: User) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)
    client = sign_in(poster)
    page = client.get(f"/market/applications/{application.id}/").content.decode()
    assert '<input type="hidden" name="to_status" value="shortlisted">' in page

    response = client.post(
        f"/market/applications/{application.id}/transition/", {"to_status": "shortlisted", "note": "Strong"}
    )

    assert response.status_code == 302
    after = market.application_get(viewer_id=poster.id, application_id=application.id)
    assert after.status == "shortlisted"
    assert "Status changed to Shortlisted." in client.get(response["Location"]).content.decode()


def test_a_transition_not_allowed_is_refused_and_changes_nothing(sign_in: SignIn, poster: User, seller: User) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)
    before, before_states = market_rows(), states()

    response = sign_in(seller).post(f"/market/applications/{application.id}/transition/", {"to_status": "shortlisted"})

    assert response.status_code == 409
    assert (
        '<p class="message message-error" role="alert">That status change is not allowed from the current status.</p>'
        in response.content.decode()
    )
    assert market_rows() == before
    assert states() == before_states


def test_the_applicant_withdraws(sign_in: SignIn, poster: User, seller: User) -> None:
    application = propose(ListingFactory(poster=poster).id, seller)

    response = sign_in(seller).post(f"/market/applications/{application.id}/transition/", {"to_status": "withdrawn"})

    assert response.status_code == 302
    assert market.application_get(viewer_id=seller.id, application_id=application.id).status == "withdrawn"
