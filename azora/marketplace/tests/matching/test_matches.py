"""My matches from the database: the SQL pre-filter finds what the pure score would show, best first, with reasons,
in a fixed number of queries; match_for agrees with the list; and the person's name, birth date and nationality
(accounts) never change a match."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.marketplace import public
from azora.marketplace.errors import ListingNotFound
from azora.marketplace.matching import is_shown, match_score, skill_fit
from azora.marketplace.models import Listing, ListingStatus, UserSkill
from azora.marketplace.selectors.matching import candidate_of, match_rules, opening_of
from azora.marketplace.tests.factories import (
    GigFactory,
    ListingFactory,
    ListingSkillFactory,
    ProfileFactory,
    SkillFactory,
    UserSkillFactory,
)

pytestmark = pytest.mark.django_db


def listing(*skills: tuple[Any, int], at: int, **fields: Any) -> Listing:
    """A listing published `at` minutes ago asking for (skill, level) pairs."""
    made: Listing = (GigFactory if fields.pop("gig", False) else ListingFactory)(
        published_at=timezone.now() - dt.timedelta(minutes=at), **fields
    )
    for skill, level in skills:
        ListingSkillFactory(listing=made, skill=skill, level=level)
    return made


@pytest.fixture
def world() -> dict[str, Any]:
    python, sql, react = SkillFactory(name="Python"), SkillFactory(name="SQL"), SkillFactory(name="React")
    person: User = UserFactory()
    ProfileFactory(user=person, years_experience=2, expected_pay_minor=2_000_000)
    UserSkillFactory(user=person, skill=python, level=3, is_verified=True)
    UserSkillFactory(user=person, skill=sql, level=1)
    return {
        "person": person,
        "perfect": listing((python, 2), at=30),  # 100
        "half_skills": listing((python, 2), (sql, 1), at=20),  # skills 75 -> 90
        "sql_too_low": listing((sql, 2), at=10),  # holds SQL below the level: not looked at
        "elsewhere": listing((python, 3), at=40, location="Nairobi", country="KE", experience_years=4),  # 78
        "no_skills": listing(at=50, experience_years=10),  # skills 100, experience 20 -> 76
        "low": listing((python, 1), (react, 2), (sql, 3), at=5, experience_years=8, pay_max_minor=2_000_000),
        "closed": listing((python, 1), at=1, status=ListingStatus.CLOSED),
        "other": listing((react, 1), at=2),  # nothing in common
        "gig": listing((python, 2), at=60, gig=True),  # remote, pays 25% of a monthly expectation -> 89
    }


def test_my_matches_best_first_with_reasons(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(6):  # the person (2), the ranking, the listing views (3)
        matches = public.matches_for_user(user_id=world["person"].id)
    assert [(match.listing.id, match.match.score) for match in matches] == [
        (world["perfect"].id, 100),
        (world["half_skills"].id, 90),
        (world["gig"].id, 89),
        (world["elsewhere"].id, 78),
        (world["no_skills"].id, 76),
    ]
    # "low": 1 of 3 skills (verified) 33.3, experience 25, same place, pay met: 13.3 + 7.5 + 15 + 15 = 50.8 -> 51.
    assert public.match_for(user_id=world["person"].id, listing_id=world["low"].id).score == 51
    assert matches[1].match.reasons == (
        "2 of 2 required skills, 1 verified",
        "Meets the 2 years asked for",
        "Same place: Cape Town",
        "Pay meets your expectation",
    )
    assert matches[2].match.reasons[2:] == ("Remote", "Pays 25% of your expectation")
    assert matches[0].listing.skills[0].name == "Python"
    assert matches[2].listing.milestones[0].title == "Design"


def test_the_list_agrees_with_match_for_each_listing(world: dict[str, Any]) -> None:
    for match in public.matches_for_user(user_id=world["person"].id):
        assert public.match_for(user_id=world["person"].id, listing_id=match.listing.id) == match.match


def test_kind_and_limit(world: dict[str, Any]) -> None:
    gigs = public.matches_for_user(user_id=world["person"].id, kind="gig")
    assert [match.listing.id for match in gigs] == [world["gig"].id]
    top = public.matches_for_user(user_id=world["person"].id, limit=2)
    assert [match.listing.id for match in top] == [world["perfect"].id, world["half_skills"].id]


def test_a_person_without_profile_or_skills_sees_listings_asking_for_no_skill_only(world: dict[str, Any]) -> None:
    newcomer = UserFactory()
    matches = public.matches_for_user(user_id=newcomer.id)
    # no_skills: skills 100, experience 0 (10 years asked), same place? no location: 50, no expectation: 100 -> 62.5
    assert [(match.listing.id, match.match.score) for match in matches] == [(world["no_skills"].id, 63)]


def test_a_draft_is_matched_only_for_its_poster() -> None:
    draft = ListingFactory(status=ListingStatus.DRAFT)
    with pytest.raises(ListingNotFound):
        public.match_for(user_id=UserFactory().id, listing_id=draft.id)
    # no profile: skills 100, experience 0 of 2, a different place (none), no expectation: 40 + 0 + 7.5 + 15 = 62.5
    assert public.match_for(user_id=draft.poster_id, listing_id=draft.id).score == 63


@pytest.mark.parametrize(
    "changes",
    [
        {"display_name": "Someone Else"},
        {"date_of_birth": dt.date(1950, 1, 1)},
        {"country": "NG"},  # the account's country (nationality); the profile's place is what matching reads
        {"display_name": "", "date_of_birth": dt.date(2008, 6, 1), "country": "FR"},
    ],
    ids=["name", "birth-date", "nationality", "all"],
)
def test_the_accounts_name_age_and_nationality_never_change_a_match(
    world: dict[str, Any], changes: dict[str, Any]
) -> None:
    person = world["person"]
    before = public.matches_for_user(user_id=person.id, fresh=True)
    User.objects.filter(id=person.id).update(**changes)
    assert public.matches_for_user(user_id=person.id, fresh=True) == before


def test_no_required_skill_held_is_no_match_even_at_the_threshold() -> None:
    person = UserFactory()
    ProfileFactory(user=person, years_experience=5)
    UserSkillFactory(user=person, skill=SkillFactory(name="Python"), level=4)
    remote = listing((SkillFactory(name="Welding"), 1), at=1, is_remote=True, experience_years=0)
    # skills 0, experience 100, remote 100, pay met 100: exactly 60 with the default weights
    assert public.match_for(user_id=person.id, listing_id=remote.id).score == 60
    assert public.matches_for_user(user_id=person.id) == []


def test_the_cached_ranking_follows_listing_writes_and_the_persons_skills(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    person, python = world["person"], world["perfect"].skills.get().skill
    first = [match.listing.id for match in public.matches_for_user(user_id=person.id)]
    assert public.matches_for_user(user_id=person.id) == public.matches_for_user(user_id=person.id, fresh=True)

    with django_capture_on_commit_callbacks(execute=True):  # the listing services bump the listings' generation
        public.listing_update(
            actor_id=world["perfect"].poster_id, listing_id=world["perfect"].id, changes={"status": "closed"}
        )
    assert [match.listing.id for match in public.matches_for_user(user_id=person.id)] == first[1:]

    UserSkill.objects.filter(user=person, skill=python).update(level=1)  # the person's facts are in the key
    assert public.matches_for_user(user_id=person.id) == public.matches_for_user(user_id=person.id, fresh=True)
    scores = {match.listing.id: match.match.score for match in public.matches_for_user(user_id=person.id)}
    assert scores[world["half_skills"].id] == 70  # now only SQL, unverified: skills 25 -> 10 + 30 + 15 + 15


def test_a_person_whose_skills_are_all_unverified_still_has_matches() -> None:
    python = SkillFactory(name="Python")
    person = UserFactory()
    ProfileFactory(user=person)
    UserSkillFactory(user=person, skill=python, level=2, is_verified=False)
    job = listing((python, 2), at=1)
    matches = public.matches_for_user(user_id=person.id)
    # skills 50 (unverified at 50%), experience, place and pay met: 20 + 30 + 15 + 15
    assert [(match.listing.id, match.match.score) for match in matches] == [(job.id, 80)]


def test_the_ranking_in_sql_shows_exactly_what_the_pure_score_would_on_random_listings() -> None:
    """80 random open listings (and some not open), 12 random people: the page is the pure score's best, in its order,
    for every person and two page sizes (the SQL's floating point never reorders or drops a match)."""
    rng = random.Random(20261127)  # reproducible, not security
    skills = [SkillFactory(name=name) for name in ("Python", "SQL", "React", "Excel", "Welding", "Solar")]
    places = [("Cape Town", "ZA"), ("cape town ", "za"), ("Durban", "ZA"), ("Nairobi", "KE"), ("", "ZA")]
    made = []
    for n in range(90):
        location, country = rng.choice(places)
        made.append(
            listing(
                *[(skill, rng.randint(1, 4)) for skill in rng.sample(skills, rng.choice((0, 1, 2, 2, 3, 4)))],
                at=rng.randint(1, 500),
                location=location,
                country=country,
                is_remote=rng.random() < 0.25,
                experience_years=rng.choice((0, 1, 2, 3, 5, 8)),
                pay_period=rng.choice(("hour", "month", "year")),
                pay_max_minor=rng.choice((9_000, 2_000_000, 3_000_000, 40_000_000)),
                pay_min_minor=0,
                currency=rng.choice(("ZAR", "ZAR", "KES")),
                gig=False,
                status=ListingStatus.OPEN if n < 80 else rng.choice((ListingStatus.CLOSED, ListingStatus.PAUSED)),
            )
        )
    shown_counts: list[int] = []
    for _person in range(12):
        person = UserFactory()
        location, country = rng.choice(places)
        ProfileFactory(
            user=person, years_experience=rng.choice((0, 1, 2, 4, 9)), location=location, country=country,
            expected_pay_minor=rng.choice((None, 1_500_000, 2_500_000, 5_000_000)), expected_pay_currency="ZAR",
        )  # fmt: skip
        for skill in rng.sample(skills, rng.randint(0, 4)):
            UserSkillFactory(user=person, skill=skill, level=rng.randint(1, 4), is_verified=rng.random() < 0.4)
        scored = []
        for made_listing in made:
            if made_listing.status != ListingStatus.OPEN:
                continue
            candidate, opening = candidate_of(user_id=person.id), opening_of(listing_id=made_listing.id)
            fit = skill_fit(required=opening.required_skills, held=candidate.skills)
            score = match_score(fit=fit, candidate=candidate, opening=opening, rules=match_rules())
            if is_shown(score, threshold=60):
                scored.append((score.total, made_listing.published_at, made_listing.id.int, made_listing.id))
        scored.sort(reverse=True)
        shown_counts.append(len(scored))
        for limit in (5, 30):
            page = public.matches_for_user(user_id=person.id, limit=limit, fresh=True)
            assert [(match.listing.id, match.match.score) for match in page] == [
                (listing_id, score) for score, _at, _int, listing_id in scored[:limit]
            ]
    assert min(shown_counts) > 5  # both page sizes cut the lists somewhere
    assert max(shown_counts) > 30
