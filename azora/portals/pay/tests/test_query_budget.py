"""The lists of the Pay UI cost a fixed number of queries, however many entries or payments they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from azora.accounts.models import User
from azora.portals.pay.tests.conftest import DECLINED_CARD, TopUp

pytestmark = pytest.mark.django_db

BUDGET = 25  # session, user, roles, accounts, balances, the list itself: far below this on every page


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path", ["/pay/", "/pay/history/", "/pay/receipts/", "/pay/statements/?start=2026-01-01&end=2030-12-31"]
)
def test_a_list_page_costs_the_same_queries_with_many_rows_as_with_one(
    signed_in: Client, person: User, top_up: TopUp, path: str
) -> None:
    top_up(person, 1000)
    signed_in.get(path)  # the wallet and the platform accounts exist from here on
    with_one = _queries(signed_in, path)
    for minor in range(100, 1300, 100):
        top_up(person, minor)
        top_up(person, minor, DECLINED_CARD)

    with_many = _queries(signed_in, path)

    assert with_many == with_one
    assert with_many <= BUDGET
