"""Reviews: one per side after the contract ended, text through the constitution's output rails, hidden until
both are in or the blind period passed; the rating counts published reviews only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.marketplace import errors
from azora.marketplace.models import Contract, Review
from azora.marketplace.public import (
    contract_cancel,
    contract_get,
    milestone_fund,
    milestone_release,
    rating_summary_of_user,
    review_create,
    reviews_of_user,
    reviews_publish_due,
)
from azora.marketplace.tests.contracts.conftest import Deal, events, make_deal, snapshot, top_up

pytestmark = pytest.mark.django_db


def completed(deal: Deal) -> Deal:
    top_up(deal.client, 500_000)
    for milestone_id in (deal.first, deal.second):
        milestone_fund(actor_id=deal.client.id, milestone_id=milestone_id, source="wallet")
        milestone_release(actor_id=deal.client.id, milestone_id=milestone_id)
    return deal


def test_a_review_is_hidden_until_the_other_side_reviews_too(deal: Deal) -> None:
    completed(deal)

    first = review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=5, text="Fast and careful.")

    assert (first.side, first.subject_id, first.rating, first.is_published, first.author_name) == (
        "client",
        deal.seller.id,
        5,
        False,
        "Cleo Client",
    )
    assert reviews_of_user(user_id=deal.seller.id) == []
    assert rating_summary_of_user(user_id=deal.seller.id).count == 0
    # The seller does not see the client's hidden review; the client sees their own.
    assert contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id).reviews == ()
    assert [r.id for r in contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id).reviews] == [first.id]
    assert contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id).viewer_may_review is True

    second = review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=4, text="Clear brief.")

    assert second.is_published is True
    assert [(r.id, r.is_published) for r in reviews_of_user(user_id=deal.seller.id)] == [(first.id, True)]
    assert [r.id for r in reviews_of_user(user_id=deal.client.id)] == [second.id]
    summary = rating_summary_of_user(user_id=deal.seller.id)
    assert (summary.average, summary.count) == (5.0, 1)
    assert sorted(e["rating"] for e in events("marketplace.review_published")) == [4, 5]
    view = contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id)
    assert (len(view.reviews), view.viewer_may_review) == (2, False)


def test_the_publishing_job_publishes_after_the_blind_period(deal: Deal) -> None:
    completed(deal)
    review = review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=3)
    stored = Review.objects.get(id=review.id)
    contract = Contract.objects.get(id=deal.contract_id)
    assert contract.ended_at is not None
    assert stored.publish_after == contract.ended_at + dt.timedelta(days=14)

    assert reviews_publish_due() == 0
    Review.objects.filter(id=review.id).update(publish_after=timezone.now() - dt.timedelta(seconds=1))
    assert reviews_publish_due() == 1
    assert reviews_publish_due() == 0

    assert [r.id for r in reviews_of_user(user_id=deal.client.id)] == [review.id]
    assert rating_summary_of_user(user_id=deal.client.id).count == 1


def test_a_review_after_the_blind_period_is_published_at_once(deal: Deal) -> None:
    completed(deal)
    Contract.objects.filter(id=deal.contract_id).update(ended_at=timezone.now() - dt.timedelta(days=15))

    review = review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=2)

    assert review.is_published is True


def test_personal_data_in_a_review_is_redacted(deal: Deal) -> None:
    completed(deal)

    review = review_create(
        author_id=deal.client.id,
        contract_id=deal.contract_id,
        rating=5,
        text="Great work, write to jane.doe@example.com or call 082 555 1234.",
    )

    assert review.text == "Great work, write to [email] or call [phone]."
    assert Review.objects.get(id=review.id).text == "Great work, write to [email] or call [phone]."


def test_an_abusive_review_is_rejected_and_nothing_is_written(deal: Deal) -> None:
    completed(deal)
    before = snapshot()

    with pytest.raises(errors.ReviewRejected):
        review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=1, text="You are a fucking idiot.")

    assert snapshot() == before


def test_reviews_before_the_end_twice_badly_or_by_strangers_are_refused(deal: Deal, stranger: User) -> None:
    before = snapshot()
    with pytest.raises(errors.ContractNotEnded):
        review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=5)
    assert snapshot() == before

    completed(deal)
    review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=5)
    before = snapshot()
    with pytest.raises(errors.AlreadyReviewed):
        review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=4)
    with pytest.raises(errors.ContractNotFound):
        review_create(author_id=stranger.id, contract_id=deal.contract_id, rating=1)
    for rating in (0, 6, -1):
        with pytest.raises(errors.RatingInvalid):
            review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=rating)
    assert snapshot() == before


def test_a_contract_canceled_before_any_payment_takes_no_reviews(deal: Deal) -> None:
    contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="Plans changed")
    before = snapshot()

    with pytest.raises(errors.ContractNotEnded):
        review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=1)

    assert snapshot() == before
    assert contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id).viewer_may_review is False


def test_a_contract_canceled_after_a_release_takes_reviews(deal: Deal) -> None:
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_release(actor_id=deal.client.id, milestone_id=deal.first)
    contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="")

    review = review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=4)

    assert review.side == "seller"


def test_the_average_counts_published_reviews_with_one_decimal(deal: Deal) -> None:
    seller = deal.seller
    ratings = [(5, 4), (4, 4), (4, 4)]  # the client's rating of the seller, the seller's of the client
    for index, (of_seller, of_client) in enumerate(ratings):
        current = deal if index == 0 else make_deal(seller=seller)
        completed(current)
        review_create(author_id=current.client.id, contract_id=current.contract_id, rating=of_seller)
        review_create(author_id=seller.id, contract_id=current.contract_id, rating=of_client)

    summary = rating_summary_of_user(user_id=seller.id)
    assert (summary.average, summary.count) == (4.3, 3)  # 13 / 3 = 4.333...
