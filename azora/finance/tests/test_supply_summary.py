"""The AZR supply as operators see it: minted, held by people and organisations, burned, and burns per day."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.finance import public
from azora.finance.tests.factories import wallet_with
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

SUPPLY_MINOR = 1_000_000_000 * 100


@override_settings(AZORA_AZR_REDEMPTION_BURN_BPS=200)
def test_the_summary_counts_minted_circulating_and_burned_azr() -> None:
    wallet = wallet_with(100_00)
    assert wallet.owner_id is not None
    public.burn_for_redemption(
        transfer_id=uuid.uuid4(), user_id=wallet.owner_id, amount=Money(50_00, "AZR"), reason="Redeem",
        reference="course:1",
    )  # fmt: skip
    today = timezone.now().date()

    summary = public.azr_supply_summary(days=7, today=today)

    assert summary.minted == Money(SUPPLY_MINOR, "AZR")
    assert summary.circulating == Money(50_00, "AZR")
    assert summary.burned == Money(1_00, "AZR")
    assert len(summary.burned_by_day) == 7
    assert summary.burned_by_day[-1] == (today, Money(1_00, "AZR"))
    assert all(amount == Money(0, "AZR") for _, amount in summary.burned_by_day[:-1])
