"""The AML rule: large transfers (ZAR or their equivalent) and unusual velocity out of a user's account become
suspicious_money_movement events; the transfer itself always goes through."""

from __future__ import annotations

import uuid
from fractions import Fraction

import pytest
from django.test import override_settings
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.finance import aml
from azora.finance.models import Transfer
from azora.finance.tests.factories import AccountFactory, fund, simple_transfer, wallet_with
from azora.security.models import SecurityEvent

pytestmark = pytest.mark.django_db

RULES = aml.AmlRules(
    large_zar_minor=1_000_000,
    velocity_per_hour=3,
    zar_per_unit={"ZAR": Fraction(1), "USD": Fraction(37, 2), "AZR": Fraction(1, 10)},
    large_minor_by_currency={"KES": 50_000_00},
)


def _suspicious() -> list[dict[str, object]]:
    return [event.detail for event in SecurityEvent.objects.filter(kind="suspicious_money_movement")]


def test_a_transfer_at_the_threshold_is_recorded_with_what_moved() -> None:
    source = wallet_with(2_000_000, currency="ZAR")
    target = AccountFactory(currency="ZAR")
    transfer = simple_transfer(source, target, 1_000_000, kind="peer")

    assert aml.transfer_check(transfer_id=transfer.id, rules=RULES) == 1

    event = SecurityEvent.objects.get()
    assert (event.kind, event.severity, event.actor_id) == ("suspicious_money_movement", "high", source.owner_id)
    assert event.detail == {
        "rule": "large_transfer",
        "transfer_id": str(transfer.id),
        "transfer_kind": "peer",
        "account_id": str(source.id),
        "owner_type": "user",
        "owner_id": str(source.owner_id),
        "currency": "ZAR",
        "amount_minor": 1_000_000,
        "threshold_minor": 1_000_000,
        "zar_equivalent_minor": 1_000_000,
    }


def test_just_below_the_threshold_is_ordinary() -> None:
    source = wallet_with(2_000_000, currency="ZAR")
    transfer = simple_transfer(source, AccountFactory(currency="ZAR"), 999_999)
    assert aml.transfer_check(transfer_id=transfer.id, rules=RULES) == 0
    assert _suspicious() == []


def test_other_currencies_are_compared_through_the_exchange_rate() -> None:
    # R10,000 at 18.50 ZAR per USD is 540.54 USD; the threshold rounds up to 540.55.
    assert RULES.large_threshold_minor("USD") == 54_055
    assert RULES.large_threshold_minor("AZR") == 10_000_000
    assert RULES.large_threshold_minor("KES") == 50_000_00
    assert RULES.large_threshold_minor("JPY") is None
    source = wallet_with(200_000, currency="USD")
    below = simple_transfer(source, AccountFactory(currency="USD"), 54_054)
    at = simple_transfer(source, AccountFactory(currency="USD"), 54_055)
    assert aml.transfer_check(transfer_id=below.id, rules=RULES) == 0
    assert aml.transfer_check(transfer_id=at.id, rules=RULES) == 1
    assert _suspicious()[0]["zar_equivalent_minor"] == 1_000_017


def test_money_coming_in_or_moving_between_platform_accounts_is_not_watched() -> None:
    wallet = AccountFactory(currency="ZAR")
    funding = fund(wallet, 5_000_000)  # clearing (platform) -> the user's wallet: money arriving
    assert aml.transfer_check(transfer_id=funding.id, rules=RULES) == 0
    assert _suspicious() == []


def test_velocity_above_the_limit_is_recorded_once_an_hour() -> None:
    source = wallet_with(1_000, currency="AZR")
    target = AccountFactory(currency="AZR")
    results = [aml.transfer_check(transfer_id=simple_transfer(source, target, 10).id, rules=RULES) for _ in range(6)]
    assert results == [0, 0, 0, 1, 1, 1]  # the fourth transfer in an hour is over the limit of 3
    details = _suspicious()
    assert len(details) == 1  # later checks are counted in the metric, stored once per account an hour
    assert (details[0]["rule"], details[0]["transfers_last_hour"], details[0]["limit_per_hour"]) == ("velocity", 4, 3)


def test_a_check_of_an_unknown_or_unposted_transfer_records_nothing() -> None:
    assert aml.transfer_check(transfer_id=uuid.uuid4(), rules=RULES) == 0
    assert SecurityEvent.objects.count() == 0


def test_the_rates_come_from_the_pricing_settings() -> None:
    rates = aml.zar_rates(fx_text="USD:ZAR=18.50,USD:EUR=0.92,bad pair,ZAR:NGN=80", azr_rate_text="ZAR:10")
    assert rates["USD"] == Fraction(37, 2)
    assert rates["EUR"] == Fraction(37, 2) / Fraction(23, 25)
    assert rates["NGN"] == Fraction(1, 80)
    assert rates["AZR"] == Fraction(1, 10)
    assert aml.per_currency_thresholds("KES:5000000, nonsense,USD:1") == {"KES": 5_000_000, "USD": 1}


@override_settings(AZORA_AML_LARGE_TRANSFER_ZAR_MINOR=500_000)
def test_a_posted_transfer_is_checked_after_commit_and_never_held_up(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    source = wallet_with(1_000_000, currency="ZAR")
    target = AccountFactory(currency="ZAR")
    with django_capture_on_commit_callbacks(execute=True):
        transfer = simple_transfer(source, target, 600_000, kind="peer")
    assert Transfer.objects.get(pk=transfer.id).status == "posted"
    assert [detail["rule"] for detail in _suspicious()] == ["large_transfer"]
    assert _suspicious()[0]["threshold_minor"] == 500_000
