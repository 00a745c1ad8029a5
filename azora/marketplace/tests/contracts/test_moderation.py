"""Reported reviews and messages: who can report what, and a moderator's removal hides them."""

from __future__ import annotations

import pytest

from azora.accounts.models import User
from azora.marketplace.models import Message, Review
from azora.marketplace.public import (
    contract_get,
    message_send,
    messages_of,
    rating_summary_of_user,
    review_create,
    reviews_of_user,
    reviews_publish_due,
)
from azora.marketplace.tests.contracts.conftest import Deal
from azora.marketplace.tests.contracts.test_reviews import completed
from azora.marketplace.tests.factories import ApplicationFactory, GigFactory
from azora.security.errors import ModerationContentNotFound
from azora.security.models import ModerationCase
from azora.security.public import ModerationCaseView, moderation_decide, moderation_flag

pytestmark = pytest.mark.django_db


def _flag(source: str, object_id: object, reporter: User) -> ModerationCaseView:
    return moderation_flag(
        source=source, object_id=str(object_id), excerpt="", reason="abusive", reporter_id=reporter.id
    )


def _published_review(deal: Deal) -> Review:
    completed(deal)
    review = review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=1, text="Awful person.")
    review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=5, text="Great client.")
    return Review.objects.get(pk=review.id)


def test_anyone_may_report_a_published_review_and_removal_takes_it_out_of_the_ratings(
    deal: Deal, stranger: User, admin: User
) -> None:
    review = _published_review(deal)
    case = _flag("marketplace.review", review.id, stranger)
    assert case.excerpt == "1/5: Awful person."

    moderation_decide(moderator_id=admin.id, case_id=case.id, decision="remove", note="Abuse")

    assert reviews_of_user(user_id=deal.seller.id) == []
    assert rating_summary_of_user(user_id=deal.seller.id).count == 0
    assert reviews_publish_due() == 0  # the publishing job never brings it back
    stored = Review.objects.get(pk=review.id)
    assert (stored.published_at, stored.text) == (None, "[Removed by a moderator]")
    assert [r.text for r in contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id).reviews] == [
        "[Removed by a moderator]", "Great client.",
    ]  # fmt: skip


def test_an_unpublished_review_is_reportable_only_by_its_two_sides(deal: Deal, stranger: User) -> None:
    completed(deal)
    hidden = review_create(author_id=deal.client.id, contract_id=deal.contract_id, rating=2, text="Slow.")
    with pytest.raises(ModerationContentNotFound):
        _flag("marketplace.review", hidden.id, stranger)
    with pytest.raises(ModerationContentNotFound):
        _flag("marketplace.review", "not-a-uuid", stranger)
    assert ModerationCase.objects.count() == 0
    assert _flag("marketplace.review", hidden.id, deal.seller).reports == 1


def test_a_message_is_reportable_only_in_its_thread_and_removal_replaces_its_text(stranger: User, admin: User) -> None:
    application = ApplicationFactory(listing=GigFactory())
    poster, applicant = application.listing.poster, application.applicant
    message = message_send(sender_id=poster.id, application_id=application.id, body="Send me your password")
    with pytest.raises(ModerationContentNotFound):
        _flag("marketplace.message", message.id, stranger)
    assert ModerationCase.objects.count() == 0

    case = _flag("marketplace.message", message.id, applicant)
    assert case.excerpt == "Send me your password"
    moderation_decide(moderator_id=admin.id, case_id=case.id, decision="remove", note="Phishing")

    assert [m.body for m in messages_of(viewer_id=applicant.id, application_id=application.id)] == [
        "[Removed by a moderator]"
    ]
    assert Message.objects.count() == 1


def test_keeping_a_review_changes_nothing(deal: Deal, stranger: User, admin: User) -> None:
    review = _published_review(deal)
    case = _flag("marketplace.review", review.id, stranger)
    moderation_decide(moderator_id=admin.id, case_id=case.id, decision="keep", note="Honest opinion")
    assert [r.id for r in reviews_of_user(user_id=deal.seller.id)] == [review.id]
