"""The learner's rewards (each with its proof, the month's cap) and upgrade offers, earned the real way: lessons
completed through Education, its events delivered to the revenue engine's subscribers."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

import azora.education.public as education
import azora.revenue.public as revenue
from azora.accounts.models import User
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.portals.student.tests.conftest import BuiltCourse
from azora.revenue.models import Reward, UpgradeOffer
from azora.shared.events.dispatch import dispatch_pending_events

pytestmark = pytest.mark.django_db


def _learn(learner: User, course: BuiltCourse, lessons: int) -> None:
    """The learner enrols and completes the first `lessons` lessons; the outbox then delivers the events."""
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    for lesson_id in course.lesson_ids[:lessons]:
        education.lesson_complete(lesson_id=lesson_id, user_id=learner.id)
    dispatch_pending_events()


def test_rewards_need_sign_in(client: Client) -> None:
    response = client.get("/my/rewards/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_learner_without_rewards_sees_the_cap_and_how_to_start(as_learner: Client) -> None:
    response = as_learner.get("/my/rewards/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Your rewards</h1>" in html
    assert "No rewards yet. Complete a lesson to earn your first AZR." in html
    assert "<dt>Your plan's monthly cap</dt><dd>50.00 AZR</dd>" in html  # FREE: 50 AZR a month
    assert "Offers for you" not in html
    assert "style=" not in html


def test_each_reward_is_listed_with_its_amount_and_proof(
    as_learner: Client, learner: User, course: BuiltCourse
) -> None:
    _learn(learner, course, lessons=1)
    reward = revenue.rewards_of(user_id=learner.id).items[0]

    html = as_learner.get("/my/rewards/").content.decode()

    assert reward.status == "paid"
    assert "<strong>Lesson completed</strong>" in html
    assert "<span>Money basics</span>" in html
    assert f"+{reward.amount.to_decimal():.2f} AZR" in html
    assert '<summary>Proof<span class="visually-hidden"> of this reward: Lesson completed</span></summary>' in html
    assert "<dt>Base reward</dt>" in html
    month = revenue.reward_month_summary(user_id=learner.id)
    assert f"<dt>Earned</dt><dd>{month.earned.to_decimal():.2f} AZR</dd>" in html


def test_reaching_40_percent_of_a_course_offers_pro_at_half_price_and_accepting_leads_to_checkout(
    as_learner: Client, learner: User, course: BuiltCourse
) -> None:
    _learn(learner, course, lessons=2)  # 2 of 3 lessons: 66%
    [offer] = revenue.offers_of(user_id=learner.id)

    html = as_learner.get("/my/rewards/").content.decode()
    assert "<h3>50% off PRO</h3>" in html
    assert "For reaching 40% of a course." in html
    assert f'action="/my/offers/{offer.id}/accept/"' in html

    response = as_learner.post(f"/my/offers/{offer.id}/accept/")

    assert response.status_code == 302
    assert response["Location"] == "/pay/buy/plan/pro/"
    assert revenue.offers_of(user_id=learner.id)[0].status == "accepted"
    assert '<span class="badge badge-free">✓ Accepted</span>' in as_learner.get("/my/rewards/").content.decode()


def test_someone_elses_offer_is_a_404_and_stays_active(
    client: Client, learner: User, stranger: User, course: BuiltCourse
) -> None:
    _learn(learner, course, lessons=2)
    [offer] = revenue.offers_of(user_id=learner.id)
    client.force_login(stranger)

    response = client.post(f"/my/offers/{offer.id}/accept/")

    assert response.status_code == 404
    assert UpgradeOffer.objects.get(id=offer.id).status == "active"


def test_an_unknown_offer_is_a_404(as_learner: Client) -> None:
    assert as_learner.post(f"/my/offers/{uuid.uuid4()}/accept/").status_code == 404
    assert as_learner.get(f"/my/offers/{uuid.uuid4()}/accept/").status_code == 405


def test_an_expired_offer_cannot_be_accepted_and_says_why(
    as_learner: Client, learner: User, course: BuiltCourse
) -> None:
    _learn(learner, course, lessons=2)
    [offer] = revenue.offers_of(user_id=learner.id)
    UpgradeOffer.objects.filter(id=offer.id).update(expires_at=offer.created_at)  # the 7 days have passed

    response = as_learner.post(f"/my/offers/{offer.id}/accept/")

    assert response.status_code == 409
    assert 'class="form-errors" role="alert">This offer has expired.</p>' in response.content.decode()
    assert UpgradeOffer.objects.get(id=offer.id).accepted_at is None


def test_older_rewards_come_as_a_fragment_under_htmx(as_learner: Client, learner: User, course: BuiltCourse) -> None:
    _learn(learner, course, lessons=3)
    first_page = revenue.rewards_of(user_id=learner.id, limit=2)
    assert first_page.next_cursor is not None

    response = as_learner.get(f"/my/rewards/?cursor={first_page.next_cursor}", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert Reward.objects.filter(user=learner).count() >= 3


def test_a_damaged_cursor_shows_the_newest_rewards(as_learner: Client) -> None:
    response = as_learner.get("/my/rewards/?cursor=not-a-cursor")

    assert response.status_code == 200
    assert "<h1>Your rewards</h1>" in response.content.decode()
