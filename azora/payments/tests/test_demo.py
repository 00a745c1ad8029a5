"""The payments demo data: loaded after accounts and finance, idempotent."""

from __future__ import annotations

import pytest

from azora.payments.models import PaymentIntent, Receipt
from azora.shared.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_top_up_is_loaded_once() -> None:
    load_demo_data(only=["accounts", "finance", "payments"])
    load_demo_data(only=["accounts", "finance", "payments"])
    intent = PaymentIntent.objects.get()
    assert (intent.status, intent.amount_minor, intent.currency) == ("succeeded", 15000, "ZAR")
    assert Receipt.objects.filter(intent=intent).count() == 1
