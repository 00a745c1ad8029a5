"""Query budgets of the list pages: ten rows cost the same number of queries as one (no N+1 in the UI)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.marketplace.tests.factories import GigFactory, ListingFactory, ProfileFactory
from azora.portals.marketplace.tests.conftest import SignIn, gig_contract, propose

pytestmark = pytest.mark.django_db


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_browse_costs_the_same_for_one_or_ten_listings(sign_in: SignIn, poster: User, seller: User) -> None:
    ProfileFactory(user=seller)
    client = sign_in(seller)
    ListingFactory(poster=poster)
    one = _queries(lambda: client.get("/market/", {"sort": "newest"}))
    for _ in range(9):
        ListingFactory(poster=poster)

    ten = _queries(lambda: client.get("/market/", {"sort": "newest"}))

    assert ten <= one


def test_applicants_cost_the_same_for_one_or_ten(sign_in: SignIn, poster: User) -> None:
    job = ListingFactory(poster=poster)
    propose(job.id, UserFactory())
    client = sign_in(poster)
    one = _queries(lambda: client.get(f"/market/listings/{job.id}/applicants/"))
    for _ in range(9):
        propose(job.id, UserFactory())

    ten = _queries(lambda: client.get(f"/market/listings/{job.id}/applicants/"))

    assert ten <= one


def test_my_applications_and_contracts_cost_the_same_for_one_or_three(
    sign_in: SignIn, poster: User, seller: User
) -> None:
    gig_contract(GigFactory(poster=poster).id, poster, seller)
    client = sign_in(seller)
    applications_one = _queries(lambda: client.get("/market/my/applications/"))
    contracts_one = _queries(lambda: client.get("/market/contracts/"))
    for _ in range(2):
        other = UserFactory()
        gig_contract(GigFactory(poster=other).id, other, seller)

    assert _queries(lambda: client.get("/market/my/applications/")) <= applications_one
    assert _queries(lambda: client.get("/market/contracts/")) <= contracts_one
