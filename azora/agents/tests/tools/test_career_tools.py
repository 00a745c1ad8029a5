"""Naledi's job_matches tool: the learner's own marketplace matches (best first, with reasons), and a plain "none
yet" that invents nothing."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.tests.tools.conftest import agent
from azora.agents.tools import gather
from azora.marketplace.tests.factories import (
    GigFactory,
    ListingFactory,
    ListingSkillFactory,
    ProfileFactory,
    SkillFactory,
    UserSkillFactory,
)

pytestmark = pytest.mark.django_db

NALEDI = agent("job_matches", slug="naledi")


def test_job_matches_lists_the_learners_matches_with_reasons() -> None:
    python = SkillFactory(name="Python")
    learner = UserFactory()
    ProfileFactory(user=learner)
    UserSkillFactory(user=learner, skill=python, level=3, is_verified=True)
    job = ListingFactory(title="Junior Django developer", poster_name="Ubuntu Labs")
    ListingSkillFactory(listing=job, skill=python, level=2)
    gig = GigFactory(title="Landing page", poster_name="Thandi")
    ListingSkillFactory(listing=gig, skill=python, level=1)
    nursing = ListingFactory(title="Nurse", location="Nairobi", country="KE", experience_years=9)
    ListingSkillFactory(listing=nursing, skill=SkillFactory(name="Nursing"), level=2)  # no skill in common

    (result,) = gather(agent=NALEDI, user_id=learner.id, text="Which jobs match my skills?").results

    assert result.ok is True
    assert result.summary == (
        "The learner's best matches in the Azora Marketplace (open listings, best first; name only these):\n"
        '1. "Junior Django developer" (job, full-time; Ubuntu Labs; Cape Town; 20000.00 ZAR to 30000.00 ZAR a month): '
        "match 100/100 - 1 of 1 required skill, 1 verified; Meets the 2 years asked for; Same place: Cape Town; "
        "Pay meets your expectation\n"
        '2. "Landing page" (gig; Thandi; remote; 5000.00 ZAR for the project): match 89/100 - 1 of 1 required '
        "skill, 1 verified; Meets the 2 years asked for; Remote; Pays 25% of your expectation"
    )
    assert result.data == {
        "matches": [
            {"listing_id": str(job.id), "title": "Junior Django developer", "score": 100},
            {"listing_id": str(gig.id), "title": "Landing page", "score": 89},
        ]
    }


def test_without_matches_naledi_is_told_to_invent_nothing() -> None:
    ListingSkillFactory(listing=ListingFactory(), skill=SkillFactory(name="Python"))  # a skill the learner lacks
    context = gather(agent=NALEDI, user_id=UserFactory().id, text="Any jobs for me?")
    (result,) = context.results
    assert (result.ok, result.error, result.data) == (True, "", {"matches": []})
    assert result.summary == (
        "No open job or gig in the Azora Marketplace matches the learner's skills well enough yet (a match scores 60 "
        "of 100 or more). Suggest adding their skills to their marketplace profile and earning certificates, which "
        "verify skills; do not name or invent job openings or employers."
    )
    assert context.failures == ()
