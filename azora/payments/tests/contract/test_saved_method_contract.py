"""The saved-method part of the provider contract: tokenise once, charge later without the customer present."""

from __future__ import annotations

import uuid

import pytest

from azora.payments.adapters.base import CreateRequest, ProviderError, ProviderIntent, ProviderSavedMethod, SaveRequest
from azora.payments.tests.contract.conftest import CUSTOMER_EMAIL, Case
from azora.shared.money import Money

AMOUNT = Money(9900, "ZAR")
LAST4 = {
    "sandbox": {"succeeded": "4242", "card_declined": "0002", "authentication_required": "3220"},
    "stripe": {"succeeded": "4242", "card_declined": "0341", "authentication_required": "3184"},
    "paystack": {"succeeded": "4242", "card_declined": "0341", "authentication_required": "3184"},
}


def save(case: Case, outcome: str, *, customer_ref: str = "", key: str | None = None) -> ProviderSavedMethod:
    return case.provider.save_payment_method(
        SaveRequest(
            payment_method=case.method_to_save(outcome),
            customer_ref=customer_ref,
            customer_email=CUSTOMER_EMAIL,
            reference=str(uuid.uuid4()),
            idempotency_key=key or f"save-{uuid.uuid4()}",
        )
    )


def renewal(case: Case) -> str:
    reference = str(uuid.uuid4())
    created = case.provider.create_intent(
        CreateRequest(
            amount=AMOUNT,
            reference=reference,
            description="PRO plan, monthly",
            customer_email=CUSTOMER_EMAIL,
            metadata={"purpose": "subscription"},
            idempotency_key=f"create-{reference}",
        )
    )
    return created.provider_ref


def charge(case: Case, saved: ProviderSavedMethod, ref: str, key: str = "renew-1") -> ProviderIntent:
    return case.provider.confirm_intent_saved(
        provider_ref=ref, token=saved.token, customer_ref=saved.customer_ref, idempotency_key=key
    )


def test_a_saved_card_keeps_a_token_and_what_may_be_shown(case: Case) -> None:
    saved = save(case, "succeeded")
    assert saved.token
    assert (saved.brand, saved.last4, saved.exp_month, saved.exp_year) == ("visa", "4242", 12, 2040)
    assert "4242424242424242" not in repr(saved)


def test_a_saved_card_is_charged_off_session(case: Case) -> None:
    saved = save(case, "succeeded")
    ref = renewal(case)
    paid = charge(case, saved, ref)
    assert (paid.status, paid.amount, paid.card_last4, paid.failure_code) == ("succeeded", AMOUNT, "4242", "")
    assert case.provider.retrieve_intent(provider_ref=ref).status == "succeeded"


def test_a_saved_card_that_declines_fails_the_renewal(case: Case) -> None:
    saved = save(case, "card_declined")
    assert saved.last4 == LAST4[case.name]["card_declined"]
    failed = charge(case, saved, renewal(case))
    assert (failed.status, failed.failure_code) == ("failed", "card_declined")
    assert failed.failure_message


def test_a_card_that_needs_3d_secure_fails_off_session_with_authentication_required(case: Case) -> None:
    saved = save(case, "authentication_required")
    failed = charge(case, saved, renewal(case))
    assert (failed.status, failed.failure_code) == ("failed", "authentication_required")
    assert failed.next_action is None


def test_the_same_key_charges_a_saved_card_once(case: Case) -> None:
    saved = save(case, "succeeded")
    ref = renewal(case)
    first = charge(case, saved, ref, key="renew-same")
    again = charge(case, saved, ref, key="renew-same")
    assert (first.status, again.status) == ("succeeded", "succeeded")
    refund = case.provider.refund(provider_ref=ref, amount=AMOUNT, idempotency_key="r-all")
    assert refund.amount == AMOUNT
    with pytest.raises(ProviderError):
        case.provider.refund(provider_ref=ref, amount=Money(1, "ZAR"), idempotency_key="r-more")


def test_a_deleted_card_cannot_be_charged(case: Case) -> None:
    saved = save(case, "succeeded")
    case.provider.delete_payment_method(token=saved.token, customer_ref=saved.customer_ref)
    case.provider.delete_payment_method(token=saved.token, customer_ref=saved.customer_ref)  # forgetting twice is fine
    with pytest.raises(ProviderError) as caught:
        charge(case, saved, renewal(case))
    assert caught.value.retryable is False


def test_a_second_card_joins_the_first_ones_customer(case: Case) -> None:
    first = save(case, "succeeded")
    second = save(case, "card_declined", customer_ref=first.customer_ref)
    assert second.customer_ref == first.customer_ref
    assert second.token != first.token


def test_a_wrong_shape_is_refused_before_any_call(case: Case) -> None:
    requests_before = len(case.server.requests) if case.server else 0
    with pytest.raises(ValueError, match=r"\S"):
        case.provider.save_payment_method(
            SaveRequest(
                payment_method={"type": "bank"},
                customer_ref="",
                customer_email=CUSTOMER_EMAIL,
                reference="x",
                idempotency_key="save-bad",
            )
        )
    assert (len(case.server.requests) if case.server else 0) == requests_before


def test_stripe_refuses_to_attach_a_card_that_declines(stripe_only: Case) -> None:
    with pytest.raises(ProviderError) as caught:
        stripe_only.provider.save_payment_method(
            SaveRequest(
                payment_method={"type": "card", "payment_method": "pm_card_chargeDeclined"},
                customer_ref="",
                customer_email=CUSTOMER_EMAIL,
                reference="x",
                idempotency_key="save-declined",
            )
        )
    assert (caught.value.retryable, caught.value.status, caught.value.code) == (False, 402, "card_declined")


def test_stripe_names_the_customer_on_the_intent_and_confirms_off_session(stripe_only: Case) -> None:
    assert stripe_only.server is not None
    saved = save(stripe_only, "succeeded")
    ref = renewal(stripe_only)
    stripe_only.server.requests.clear()
    charge(stripe_only, saved, ref, key="renew-wire")
    update, confirm = stripe_only.server.requests
    assert (update.method, update.path, update.body.decode()) == (
        "POST",
        f"/v1/payment_intents/{ref}",
        f"customer={saved.customer_ref}",
    )
    assert confirm.path == f"/v1/payment_intents/{ref}/confirm"
    assert f"payment_method={saved.token}" in confirm.body.decode()
    assert "off_session=true" in confirm.body.decode()
    assert confirm.headers["Idempotency-Key"] == "renew-wire"
