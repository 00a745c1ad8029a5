"""The revenue engine's data protection: a renewing subscription blocks a deletion; orders and subscriptions are
exported."""

from __future__ import annotations

import pytest

import azora.security.public as security
from azora.accounts.tests.factories import UserFactory
from azora.revenue.privacy import export_revenue_data
from azora.revenue.tests.pricing.factories import plan_catalogue, subscribe
from azora.security.errors import DeletionBlocked
from azora.security.models import DeletionRequest

pytestmark = pytest.mark.django_db


def test_a_renewing_subscription_blocks_a_deletion_and_nothing_is_saved() -> None:
    plan_catalogue()
    person = UserFactory()
    subscribe(person, "pro")

    with pytest.raises(DeletionBlocked) as raised:
        security.deletion_request_create(user_id=person.id)

    assert raised.value.extra["blockers"] == ["You have a subscription that renews: cancel it first."]
    assert DeletionRequest.objects.count() == 0


@pytest.mark.parametrize("fields", [{"cancel_at_period_end": True}, {"status": "canceled"}])
def test_a_cancelled_subscription_does_not_block(fields: dict[str, object]) -> None:
    plan_catalogue()
    person = UserFactory()
    subscribe(person, "pro", **fields)

    assert security.deletion_request_blockers(user_id=person.id) == []


def test_the_export_holds_the_subscriptions() -> None:
    plan_catalogue()
    person = UserFactory()
    subscription = subscribe(person, "pro")

    data = export_revenue_data(person.id)

    assert [(row["id"], row["plan__code"], row["status"]) for row in data["subscriptions"]] == [
        (subscription.id, "pro", "active")
    ]
    assert data["orders"] == []
    assert isinstance(data["rewards"], dict)
