"""Saved payment methods: tokenised through the provider, listed, deleted, and charged off-session (renewals)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import reverse

from azora.accounts.models import User
from azora.finance import public as finance
from azora.finance.tests.factories import ledger_snapshot
from azora.payments import public, services
from azora.payments.errors import (
    InvalidPaymentMethod,
    InvalidTransition,
    PaymentIntentNotFound,
    PaymentMethodDeclined,
    PaymentMethodLimitReached,
    PaymentMethodNotFound,
    ProviderRejected,
)
from azora.payments.models import PaymentIntent, PaymentIntentTransition, Receipt, SandboxSavedCard, SavedPaymentMethod
from azora.payments.public import PaymentIntentView, SavedPaymentMethodView
from azora.payments.tests.conftest import SUCCESS_CARD, card, payments_snapshot, published
from azora.payments.tests.contract.servers import FakeProvider
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

DECLINE = "4000000000000002"
THREE_D_SECURE = "4000000000003220"


def renewal(customer: User, *, provider: str | None = None) -> PaymentIntentView:
    return services.payment_intent_create(
        customer_id=customer.id,
        amount=Money(9900, "ZAR"),
        purpose="subscription",
        description="PRO plan, monthly",
        provider=provider,
    )


def save(customer: User, number: str = "4242424242424242", **fields: str) -> SavedPaymentMethodView:
    return public.payment_method_save(customer_id=customer.id, payment_method={**card(number), **fields})


def everything() -> dict[str, Any]:
    """What saving, deleting or charging a saved method can write: the payments side, the saved methods, the ledger."""
    return {
        **payments_snapshot(),
        "saved": sorted(SavedPaymentMethod.objects.values_list("id", "provider_token")),
        "sandbox_cards": sorted(SandboxSavedCard.objects.values_list("id", "is_detached")),
        "ledger": ledger_snapshot(),
    }


def stored_text(*rows: Model) -> str:
    """Every stored value but random identifiers (UUIDs, the provider's token) and timestamps, whose digits can hold
    any short digit run such as a three-digit security code by chance."""
    return " ".join(
        str(value)
        for row in rows
        for value in row.__dict__.values()
        if not isinstance(value, uuid.UUID | datetime) and not str(value).startswith("sbx_pm_")
    )


# --- saving, listing, deleting --------------------------------------------------------------------------


def test_saving_keeps_the_token_and_what_may_be_shown_never_the_number_or_cvc(customer: User) -> None:
    saved = save(customer, cvc="987")
    assert (saved.provider, saved.brand, saved.last4, saved.exp_month, saved.exp_year) == (
        "sandbox",
        "visa",
        "4242",
        12,
        2040,
    )
    row = SavedPaymentMethod.objects.get(pk=saved.id)
    assert (row.customer_id, row.provider_token[:7], row.provider_customer_ref) == (customer.id, "sbx_pm_", "")
    sandbox = SandboxSavedCard.objects.get(pk=row.provider_token)
    assert (sandbox.outcome, sandbox.last4, sandbox.is_detached) == ("succeeded", "4242", False)
    text = stored_text(row, sandbox)
    assert "4242424242424242" not in text
    assert "987" not in text
    assert public.payment_methods_of(customer_id=customer.id) == [saved]


def test_the_list_is_the_customers_own_newest_first(customer: User, other_user: User) -> None:
    first = save(customer)
    second = save(customer, DECLINE)
    save(other_user)
    assert public.payment_methods_of(customer_id=customer.id) == [second, first]
    assert public.payment_methods_of(customer_id=uuid.uuid4()) == []


def test_deleting_detaches_at_the_provider_and_removes_the_method(customer: User) -> None:
    saved = save(customer)
    token = SavedPaymentMethod.objects.get(pk=saved.id).provider_token
    public.payment_method_delete(customer_id=customer.id, method_id=saved.id)
    assert public.payment_methods_of(customer_id=customer.id) == []
    assert SandboxSavedCard.objects.get(pk=token).is_detached is True


def test_deleting_someone_elses_or_an_unknown_method_changes_nothing(customer: User, other_user: User) -> None:
    saved = save(customer)
    before = everything()
    for customer_id, method_id in ((other_user.id, saved.id), (customer.id, uuid.uuid4())):
        with pytest.raises(PaymentMethodNotFound):
            public.payment_method_delete(customer_id=customer_id, method_id=method_id)
    assert everything() == before


@pytest.mark.parametrize(
    ("payment_method", "error", "failure_code"),
    [
        ({"type": "bank", "iban": "DE89370400440532013000"}, InvalidPaymentMethod, None),
        ({**SUCCESS_CARD, "exp_month": "13"}, InvalidPaymentMethod, None),
        ({**SUCCESS_CARD, "number": "4242424242424241"}, PaymentMethodDeclined, "incorrect_number"),
        ({**SUCCESS_CARD, "exp_year": "2020"}, PaymentMethodDeclined, "expired_card"),
    ],
)
def test_a_bad_card_is_refused_and_nothing_is_saved(
    customer: User, payment_method: dict[str, str], error: type[Exception], failure_code: str | None
) -> None:
    before = everything()
    with pytest.raises(error) as caught:
        public.payment_method_save(customer_id=customer.id, payment_method=payment_method)
    assert getattr(caught.value, "extra", {}).get("failure_code") == failure_code
    assert everything() == before


def test_at_most_ten_methods_are_kept(customer: User) -> None:
    for _ in range(services.MAX_SAVED_METHODS):
        save(customer)
    before = everything()
    with pytest.raises(PaymentMethodLimitReached) as caught:
        save(customer)
    assert caught.value.extra == {"limit": 10}
    assert everything() == before


# --- charging off-session ----------------------------------------------------------------------------------


def test_a_renewal_on_a_saved_card_succeeds_exactly_like_a_confirm(customer: User) -> None:
    saved = save(customer)
    intent = renewal(customer)
    paid = public.payment_intent_confirm_saved(intent_id=intent.id, customer_id=customer.id, method_id=saved.id)
    assert (paid.status, paid.failure_code, paid.payment_method_brand, paid.payment_method_last4) == (
        "succeeded", None, "visa", "4242",
    )  # fmt: skip
    assert paid.fee == Money(317, "ZAR")  # 2.90% of 99.00 = 2.87, plus 0.30
    steps = PaymentIntentTransition.objects.filter(intent_id=intent.id).values_list("from_status", "to_status")
    assert list(steps) == [
        ("requires_payment_method", "requires_confirmation"),
        ("requires_confirmation", "processing"),
        ("processing", "succeeded"),
    ]
    row = PaymentIntent.objects.get(pk=intent.id)
    transfer = finance.transfer_get(transfer_id=row.ledger_transfer_id)
    assert transfer is not None
    revenue = finance.platform_account(code="revenue:sales", currency="ZAR")
    clearing = finance.platform_account(code="clearing:sandbox", currency="ZAR")
    fees = finance.platform_account(code="provider_fees:sandbox", currency="ZAR")
    assert (transfer.kind, transfer.status) == ("payment", "posted")
    assert sorted((p.account_id, p.side, p.amount.minor) for p in transfer.postings) == sorted(
        [(revenue.id, "credit", 9900), (clearing.id, "debit", 9583), (fees.id, "debit", 317)]
    )
    receipt = Receipt.objects.get(intent_id=intent.id)
    assert (paid.receipt_id, receipt.payment_method_last4) == (receipt.id, "4242")
    [event] = published("payments.payment_succeeded")
    assert (event["payment_intent_id"], event["purpose"], event["receipt_number"]) == (
        str(intent.id), "subscription", receipt.number,
    )  # fmt: skip
    assert finance.reconcile().is_clean


def test_a_saved_card_that_declines_fails_the_renewal_and_posts_nothing(customer: User) -> None:
    saved = save(customer, DECLINE)
    intent = renewal(customer)
    ledger_before = ledger_snapshot()
    failed = public.payment_intent_confirm_saved(intent_id=intent.id, customer_id=customer.id, method_id=saved.id)
    assert (failed.status, failed.failure_code, failed.failure_message) == (
        "failed", "card_declined", "Your card was declined.",
    )  # fmt: skip
    assert ledger_snapshot()["transfers"] == ledger_before["transfers"]
    assert [e["failure_code"] for e in published("payments.payment_failed")] == ["card_declined"]
    assert published("payments.payment_succeeded") == []
    assert Receipt.objects.count() == 0


def test_a_card_that_needs_3d_secure_fails_off_session_with_authentication_required(customer: User) -> None:
    saved = save(customer, THREE_D_SECURE)
    intent = renewal(customer)
    failed = public.payment_intent_confirm_saved(intent_id=intent.id, customer_id=customer.id, method_id=saved.id)
    assert (failed.status, failed.failure_code, failed.next_action) == ("failed", "authentication_required", None)
    assert [e["failure_code"] for e in published("payments.payment_failed")] == ["authentication_required"]


def test_a_saved_card_that_has_expired_since_fails_with_expired_card(customer: User) -> None:
    saved = save(customer)
    SandboxSavedCard.objects.filter(pk=SavedPaymentMethod.objects.get(pk=saved.id).provider_token).update(exp_year=2021)
    failed = public.payment_intent_confirm_saved(
        intent_id=renewal(customer).id, customer_id=customer.id, method_id=saved.id
    )
    assert (failed.status, failed.failure_code) == ("failed", "expired_card")


def test_the_same_key_charges_once(customer: User) -> None:
    saved = save(customer)
    intent = renewal(customer)
    first = public.payment_intent_confirm_saved(
        intent_id=intent.id, customer_id=customer.id, method_id=saved.id, idempotency_key="renew-2026-11"
    )
    before = everything()
    again = public.payment_intent_confirm_saved(
        intent_id=intent.id, customer_id=customer.id, method_id=saved.id, idempotency_key="renew-2026-11"
    )
    assert again == first
    assert everything() == before
    assert len(published("payments.payment_succeeded")) == 1


def test_refused_charges_change_nothing(customer: User, other_user: User) -> None:
    mine, theirs = save(customer), save(other_user)
    intent = renewal(customer)
    paid_intent = renewal(customer)
    public.payment_intent_confirm_saved(intent_id=paid_intent.id, customer_id=customer.id, method_id=mine.id)
    before = everything()
    cases: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, type[Exception]]] = [
        (intent.id, customer.id, theirs.id, PaymentMethodNotFound),  # another customer's card
        (intent.id, customer.id, uuid.uuid4(), PaymentMethodNotFound),
        (intent.id, other_user.id, theirs.id, PaymentIntentNotFound),  # another customer's intent
        (paid_intent.id, customer.id, mine.id, InvalidTransition),  # already paid
    ]
    for intent_id, customer_id, method_id, error in cases:
        with pytest.raises(error):
            public.payment_intent_confirm_saved(intent_id=intent_id, customer_id=customer_id, method_id=method_id)
    assert everything() == before


def test_a_deleted_method_cannot_be_charged(customer: User) -> None:
    saved = save(customer)
    public.payment_method_delete(customer_id=customer.id, method_id=saved.id)
    intent = renewal(customer)
    before = everything()
    with pytest.raises(PaymentMethodNotFound):
        public.payment_intent_confirm_saved(intent_id=intent.id, customer_id=customer.id, method_id=saved.id)
    assert everything() == before


def test_a_token_the_provider_forgot_fails_the_intent_as_a_rejection(customer: User) -> None:
    saved = save(customer)
    SandboxSavedCard.objects.update(is_detached=True)  # the provider's side lost it, ours did not
    failed = public.payment_intent_confirm_saved(
        intent_id=renewal(customer).id, customer_id=customer.id, method_id=saved.id
    )
    assert (failed.status, failed.failure_code) == ("failed", "provider_rejected")
    assert ProviderRejected.code == "provider_rejected"


# --- through Stripe, where the method belongs to a Customer ---------------------------------------------------


def test_stripe_saves_under_one_customer_and_charges_off_session(customer: User, stripe_server: FakeProvider) -> None:
    first = public.payment_method_save(
        customer_id=customer.id, payment_method={"type": "card", "payment_method": "pm_card_visa"}, provider="stripe"
    )
    second = public.payment_method_save(
        customer_id=customer.id,
        payment_method={"type": "card", "payment_method": "pm_card_authenticationRequired"},
        provider="stripe",
    )
    rows = {row.id: row for row in SavedPaymentMethod.objects.all()}
    assert rows[first.id].provider_customer_ref == rows[second.id].provider_customer_ref
    assert rows[first.id].provider_customer_ref.startswith("cus_")
    assert stripe_server.count("POST", "/v1/customers") == 1
    paid = public.payment_intent_confirm_saved(
        intent_id=renewal(customer, provider="stripe").id, customer_id=customer.id, method_id=first.id
    )
    assert (paid.status, paid.payment_method_last4) == ("succeeded", "4242")
    failed = public.payment_intent_confirm_saved(
        intent_id=renewal(customer, provider="stripe").id, customer_id=customer.id, method_id=second.id
    )
    assert (failed.status, failed.failure_code) == ("failed", "authentication_required")


def test_a_method_of_another_provider_is_refused_and_changes_nothing(
    customer: User, stripe_server: FakeProvider
) -> None:
    kept_at_stripe = public.payment_method_save(
        customer_id=customer.id, payment_method={"type": "card", "payment_method": "pm_card_visa"}, provider="stripe"
    )
    intent = renewal(customer)  # the sandbox
    before = everything()
    with pytest.raises(InvalidPaymentMethod):
        public.payment_intent_confirm_saved(intent_id=intent.id, customer_id=customer.id, method_id=kept_at_stripe.id)
    assert everything() == before


def test_a_card_stripe_declines_is_not_saved(customer: User, stripe_server: FakeProvider) -> None:
    before = everything()
    with pytest.raises(PaymentMethodDeclined) as caught:
        public.payment_method_save(
            customer_id=customer.id,
            payment_method={"type": "card", "payment_method": "pm_card_chargeDeclined"},
            provider="stripe",
        )
    assert caught.value.extra == {"failure_code": "card_declined"}
    assert everything() == before


@override_settings(AZORA_PAYMENTS_ENABLED_PROVIDERS=["sandbox"])
def test_a_method_of_a_provider_switched_off_since_can_still_be_deleted(customer: User) -> None:
    saved = save(customer)
    SavedPaymentMethod.objects.filter(pk=saved.id).update(provider="stripe")
    public.payment_method_delete(customer_id=customer.id, method_id=saved.id)
    assert SavedPaymentMethod.objects.count() == 0


def test_the_admin_shows_saved_methods_read_only(customer: User) -> None:
    saved = save(customer)
    operator = Client()
    operator.force_login(
        User.objects.create_superuser(email="pay-root@example.test", password="an-operator-password-1")
    )
    assert operator.get(reverse("admin:payments_savedpaymentmethod_changelist")).status_code == 200
    assert operator.get(reverse("admin:payments_savedpaymentmethod_change", args=[saved.id])).status_code == 200
    assert operator.get(reverse("admin:payments_savedpaymentmethod_add")).status_code == 403
    delete = reverse("admin:payments_savedpaymentmethod_delete", args=[saved.id])
    assert operator.post(delete, {"post": "yes"}).status_code == 403
    assert public.payment_methods_of(customer_id=customer.id) == [saved]
