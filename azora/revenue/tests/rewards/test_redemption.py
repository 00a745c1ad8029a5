"""AZR redeemed for a discount: the quote needs a valid certificate; applying burns through finance's redemption."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education import public as education
from azora.education.models import Certificate
from azora.education.tests.certificate_factories import issued_certificate
from azora.finance import public as finance
from azora.finance.tests.factories import fund
from azora.revenue.models import Redemption
from azora.revenue.public.rewards import (
    RedemptionCurrencyNotSupported,
    RedemptionInsufficientAzr,
    RedemptionInvalidAmount,
    RedemptionNeedsCertificate,
    RedemptionPreview,
    RedemptionReferenceConflict,
    RedemptionTooSmall,
    azr_redeem,
    azr_redemption_preview,
)
from azora.revenue.tests.rewards.conftest import revenue_snapshot
from azora.shared.errors import DomainError
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(learner: User) -> User:
    """A learner with a valid certificate and 500.00 AZR in the wallet."""
    issued_certificate(user=learner)
    fund(finance.user_wallet(user_id=learner.id), 500_00)
    return learner


def test_the_quote_converts_at_the_configured_rate_rounding_down(holder: User) -> None:
    # ZAR:10 by default: 10 AZR per rand.
    assert azr_redemption_preview(user_id=holder.id, azr=Money(100_00, "AZR"), currency="ZAR") == RedemptionPreview(
        azr=Money(100_00, "AZR"), discount=Money(10_00, "ZAR")
    )
    assert azr_redemption_preview(user_id=holder.id, azr=Money(1_29, "AZR"), currency="ZAR").discount == Money(
        12, "ZAR"
    )


@override_settings(AZORA_REVENUE_AZR_REDEMPTION_RATE="ZAR:10, USD:180")
def test_each_currency_has_its_own_rate(holder: User) -> None:
    preview = azr_redemption_preview(user_id=holder.id, azr=Money(360_00, "AZR"), currency="USD")
    assert preview.discount == Money(2_00, "USD")


def test_applying_burns_the_configured_part_and_returns_the_rest_to_the_treasury(holder: User) -> None:
    transfer_id = uuid.uuid4()
    burn = finance.platform_account(code="burn", currency="AZR")
    burned_before = finance.balance(account_id=burn.id).posted.minor
    preview = azr_redeem(
        user_id=holder.id, azr=Money(100_00, "AZR"), currency="ZAR", reference="order:1", transfer_id=transfer_id
    )
    assert preview == RedemptionPreview(azr=Money(100_00, "AZR"), discount=Money(10_00, "ZAR"))
    transfer = finance.transfer_get(transfer_id=transfer_id)
    assert transfer is not None
    assert (transfer.kind, transfer.reference, transfer.metadata["burned_minor"]) == (
        "redemption",
        "redemption:order:1",
        2_00,  # AZORA_AZR_REDEMPTION_BURN_BPS 200
    )
    assert finance.balance(account_id=burn.id).posted.minor == burned_before + 2_00
    assert finance.balance(account_id=finance.user_wallet(user_id=holder.id).id).posted.minor == 400_00
    row = Redemption.objects.get()
    assert (row.user_id, row.azr_minor, row.discount_minor, row.currency, row.reference, row.transfer_id) == (
        holder.id,
        100_00,
        10_00,
        "ZAR",
        "order:1",
        transfer_id,
    )
    assert finance.reconcile().is_clean


def test_the_same_reference_again_returns_the_first_result_and_writes_nothing(holder: User) -> None:
    first = azr_redeem(
        user_id=holder.id, azr=Money(50_00, "AZR"), currency="ZAR", reference="order:2", transfer_id=uuid.uuid4()
    )
    before = revenue_snapshot()
    again = azr_redeem(
        user_id=holder.id, azr=Money(50_00, "AZR"), currency="ZAR", reference="order:2", transfer_id=uuid.uuid4()
    )
    assert again == first
    assert revenue_snapshot() == before
    with pytest.raises(RedemptionReferenceConflict):
        azr_redeem(
            user_id=holder.id, azr=Money(60_00, "AZR"), currency="ZAR", reference="order:2", transfer_id=uuid.uuid4()
        )
    assert revenue_snapshot() == before


def test_applying_a_quote_after_the_certificate_expired_still_honours_it(holder: User) -> None:
    preview = azr_redemption_preview(user_id=holder.id, azr=Money(30_00, "AZR"), currency="ZAR")
    Certificate.objects.filter(user_id=holder.id).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    applied = azr_redeem(
        user_id=holder.id, azr=Money(30_00, "AZR"), currency="ZAR", reference="order:3", transfer_id=uuid.uuid4()
    )
    assert applied == preview


def _refused(user: User, azr: Money, currency: str = "ZAR") -> DomainError:
    before = revenue_snapshot()
    with pytest.raises(DomainError) as caught:
        azr_redemption_preview(user_id=user.id, azr=azr, currency=currency)
    assert revenue_snapshot() == before
    with pytest.raises(type(caught.value)):
        azr_redeem(user_id=user.id, azr=azr, currency=currency, reference="order:x", transfer_id=uuid.uuid4())
    assert revenue_snapshot() == before
    return caught.value


def test_without_a_certificate_the_quote_is_refused_and_nothing_changes(learner: User) -> None:
    fund(finance.user_wallet(user_id=learner.id), 500_00)
    before = revenue_snapshot()
    with pytest.raises(RedemptionNeedsCertificate) as caught:
        azr_redemption_preview(user_id=learner.id, azr=Money(100_00, "AZR"), currency="ZAR")
    assert (caught.value.code, caught.value.status) == ("redemption_needs_certificate", 403)
    assert revenue_snapshot() == before


@pytest.mark.parametrize("change", ["expired", "revoked"])
def test_an_expired_or_revoked_certificate_does_not_count(holder: User, change: str) -> None:
    certificate = Certificate.objects.get(user_id=holder.id)
    if change == "expired":
        Certificate.objects.filter(id=certificate.id).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    else:
        admin = UserFactory()
        platform_role_grant(user_id=admin.id, role="platform_admin")
        education.certificate_revoke(certificate_id=certificate.id, by_user_id=admin.id, reason="Plagiarism")
    before = revenue_snapshot()
    with pytest.raises(RedemptionNeedsCertificate):
        azr_redemption_preview(user_id=holder.id, azr=Money(100_00, "AZR"), currency="ZAR")
    assert revenue_snapshot() == before


@pytest.mark.parametrize(
    ("azr", "currency", "error", "code"),
    [
        (Money(100_00, "ZAR"), "ZAR", RedemptionInvalidAmount, "redemption_invalid_amount"),
        (Money(0, "AZR"), "ZAR", RedemptionInvalidAmount, "redemption_invalid_amount"),
        (Money(-1_00, "AZR"), "ZAR", RedemptionInvalidAmount, "redemption_invalid_amount"),
        (Money(100_00, "AZR"), "EUR", RedemptionCurrencyNotSupported, "redemption_currency_not_supported"),
        (Money(9, "AZR"), "ZAR", RedemptionTooSmall, "redemption_too_small"),  # 0.09 AZR = R0.009
        (Money(500_01, "AZR"), "ZAR", RedemptionInsufficientAzr, "redemption_insufficient_azr"),
    ],
)
def test_bad_redemptions_are_refused_and_change_nothing(
    holder: User, azr: Money, currency: str, error: type[DomainError], code: str
) -> None:
    refused = _refused(holder, azr, currency)
    assert isinstance(refused, error)
    assert refused.code == code
