"""The contract every payment provider adapter obeys; the sandbox passes the same tests as Stripe and Paystack."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from azora.payments.adapters.base import CreateRequest, ProviderError, ProviderIntent, SignatureError
from azora.payments.tests.contract.conftest import Case, rebuilt
from azora.shared.money import Money

AMOUNT = Money(25000, "ZAR")


def create(case: Case, *, key: str | None = None, amount: Money = AMOUNT) -> ProviderIntent:
    reference = str(uuid.uuid4())
    return case.provider.create_intent(
        CreateRequest(
            amount=amount,
            reference=reference,
            description="Course: Python 101",
            customer_email="thandi@example.test",
            metadata={"purpose": "course_purchase"},
            idempotency_key=key or f"create-{reference}",
        )
    )


def confirm(case: Case, ref: str, outcome: str, key: str = "confirm-1") -> ProviderIntent:
    return case.provider.confirm_intent(provider_ref=ref, payment_method=case.methods[outcome], idempotency_key=key)


def test_a_new_payment_requires_a_payment_method(case: Case) -> None:
    created = create(case)
    assert created.status == "requires_payment_method"
    assert created.amount == AMOUNT
    assert created.provider_ref
    assert case.provider.retrieve_intent(provider_ref=created.provider_ref).status == "requires_payment_method"


def test_a_good_card_succeeds(case: Case) -> None:
    created = create(case)
    paid = confirm(case, created.provider_ref, "succeeded")
    assert (paid.status, paid.amount, paid.card_last4) == ("succeeded", AMOUNT, "4242")
    assert paid.failure_code == ""
    assert case.provider.retrieve_intent(provider_ref=created.provider_ref).status == "succeeded"


@pytest.mark.parametrize("outcome", ["card_declined", "insufficient_funds", "expired_card"])
def test_declines_fail_with_the_same_codes(case: Case, outcome: str) -> None:
    created = create(case)
    failed = confirm(case, created.provider_ref, outcome)
    assert (failed.status, failed.failure_code) == ("failed", outcome)
    assert failed.failure_message


def test_a_challenge_requires_action_then_succeeds(case: Case) -> None:
    created = create(case)
    challenged = confirm(case, created.provider_ref, "requires_action")
    assert challenged.status == "requires_action"
    assert challenged.next_action is not None
    case.customer_passes_challenge(created.provider_ref)
    done = case.provider.complete_action(provider_ref=created.provider_ref, outcome="approve")
    assert done.status == "succeeded"


def test_asynchronous_settlement_arrives_as_a_signed_webhook(case: Case) -> None:
    created = create(case)
    assert confirm(case, created.provider_ref, "processing").status == "processing"
    case.bank_settles(created.provider_ref)
    body, headers = case.signed_webhook(created.provider_ref)
    event = case.provider.parse_webhook(body=body, headers=headers, now=dt.datetime.now(dt.UTC))
    assert event.provider_ref == created.provider_ref
    assert event.intent is not None
    assert (event.intent.status, event.intent.amount) == ("succeeded", AMOUNT)
    assert event.event_id
    # The stored payload parses to the same event without its signature (the task's view of it).
    assert case.provider.parse_event(event.payload).intent == event.intent


def test_a_tampered_or_unsigned_webhook_is_refused(case: Case) -> None:
    created = create(case)
    confirm(case, created.provider_ref, "succeeded")
    body, headers = case.signed_webhook(created.provider_ref)
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(SignatureError):
        case.provider.parse_webhook(body=body.replace(b"25000", b"25001"), headers=headers, now=now)
    with pytest.raises(SignatureError):
        case.provider.parse_webhook(body=body, headers={}, now=now)
    with pytest.raises(SignatureError):
        case.provider.parse_webhook(body=body, headers={k: "0" * 128 for k in headers}, now=now)


def test_confirming_twice_with_the_same_key_charges_once(case: Case) -> None:
    created = create(case)
    first = confirm(case, created.provider_ref, "succeeded", key="same")
    again = confirm(case, created.provider_ref, "succeeded", key="same")
    assert (first.status, again.status) == ("succeeded", "succeeded")
    refund = case.provider.refund(provider_ref=created.provider_ref, amount=AMOUNT, idempotency_key="r-all")
    assert refund.amount == AMOUNT  # the whole amount was charged once, so it can be refunded once


def test_partial_refunds_up_to_the_amount(case: Case) -> None:
    created = create(case)
    confirm(case, created.provider_ref, "succeeded")
    first = case.provider.refund(provider_ref=created.provider_ref, amount=Money(10000, "ZAR"), idempotency_key="r1")
    assert first.status in {"succeeded", "pending"}
    assert first.amount == Money(10000, "ZAR")
    replay = case.provider.refund(provider_ref=created.provider_ref, amount=Money(10000, "ZAR"), idempotency_key="r1")
    if case.name != "paystack":  # Paystack has no idempotency keys for refunds: the service keeps its own
        assert replay.provider_ref == first.provider_ref
    with pytest.raises(ProviderError) as caught:
        case.provider.refund(provider_ref=created.provider_ref, amount=Money(15001, "ZAR"), idempotency_key="r3")
    assert caught.value.retryable is False


def test_an_unpaid_payment_can_be_canceled_and_a_paid_one_not(case: Case) -> None:
    unpaid = create(case)
    assert case.provider.cancel_intent(provider_ref=unpaid.provider_ref, idempotency_key="c1").status == "canceled"
    paid = create(case)
    confirm(case, paid.provider_ref, "succeeded")
    with pytest.raises(ProviderError) as caught:
        case.provider.cancel_intent(provider_ref=paid.provider_ref, idempotency_key="c2")
    assert caught.value.retryable is False


def test_a_wrong_payment_method_is_refused_before_any_call(case: Case) -> None:
    created = create(case)
    with pytest.raises(ValueError, match=r"\S"):
        case.provider.check_payment_method({"type": "bank"})
    requests_before = len(case.server.requests) if case.server else 0
    with pytest.raises(ProviderError) as caught:
        case.provider.confirm_intent(provider_ref=created.provider_ref, payment_method={}, idempotency_key="x")
    assert caught.value.retryable is False
    assert (len(case.server.requests) if case.server else 0) == requests_before


# --- HTTP adapters: retries, idempotency keys on the wire, credentials ---------------------------------


def test_5xx_and_429_are_retried_with_backoff(http_case: Case) -> None:
    assert http_case.server is not None
    http_case.server.fail_next(500, 503, 429)
    created = create(http_case, key="create-retry")
    assert created.status == "requires_payment_method"
    assert len(http_case.server.requests) == 4
    assert http_case.sleeps.delays == [0.5, 1.0, 2.0]


def test_retries_stop_after_five_attempts(http_case: Case) -> None:
    assert http_case.server is not None
    http_case.server.fail_next(*[502] * 10)
    with pytest.raises(ProviderError) as caught:
        create(http_case)
    assert caught.value.retryable is True
    assert len(http_case.server.requests) == 5
    assert http_case.sleeps.delays == [0.5, 1.0, 2.0, 4.0]


def test_client_errors_are_not_retried(http_case: Case) -> None:
    assert http_case.server is not None
    with pytest.raises(ProviderError) as caught:
        http_case.provider.retrieve_intent(provider_ref="does-not-exist")
    assert caught.value.retryable is False
    assert len(http_case.server.requests) == 1
    assert http_case.sleeps.delays == []


def test_an_unreachable_provider_is_retryable(http_case: Case) -> None:
    # Port 9 (discard) has nothing listening here: every attempt fails to connect.
    provider = rebuilt(http_case, api_base="http://127.0.0.1:9", secret_key="sk_test_x")
    with pytest.raises(ProviderError) as caught:
        provider.retrieve_intent(provider_ref="anything")
    assert caught.value.retryable is True
    assert len(http_case.sleeps.delays) == 4


def test_stripe_gets_the_same_idempotency_key_on_every_attempt(stripe_only: Case) -> None:
    assert stripe_only.server is not None
    created = create(stripe_only)
    stripe_only.server.fail_next(500)
    stripe_only.server.requests.clear()
    confirm(stripe_only, created.provider_ref, "succeeded", key="confirm-key-7")
    keys = [request.headers.get("Idempotency-Key") for request in stripe_only.server.requests]
    assert keys == ["confirm-key-7", "confirm-key-7"]
    assert stripe_only.server.count("POST", f"/v1/payment_intents/{created.provider_ref}/confirm") == 2


def test_a_wrong_secret_key_is_refused_and_not_retried(http_case: Case) -> None:
    assert http_case.server is not None
    provider = rebuilt(http_case, api_base=http_case.server.url, secret_key="sk_test_wrong")
    with pytest.raises(ProviderError) as caught:
        provider.retrieve_intent(provider_ref="x")
    assert (caught.value.retryable, caught.value.status) == (False, 401)
    assert "sk_test_wrong" not in str(caught.value)


def test_a_lost_answer_to_create_is_retried_without_a_second_payment(http_case: Case) -> None:
    assert http_case.server is not None
    path = "/v1/payment_intents" if http_case.name == "stripe" else "/transaction/initialize"
    http_case.server.lose_next_answer(method="POST", path=path)
    created = create(http_case, key="create-lost")
    assert created.status == "requires_payment_method"
    assert created.amount == AMOUNT
    assert len(http_case.server.objects) == 1


def test_a_lost_answer_to_a_refund_is_retried_without_refunding_twice(http_case: Case) -> None:
    assert http_case.server is not None
    created = create(http_case)
    confirm(http_case, created.provider_ref, "succeeded")
    http_case.server.lose_next_answer(method="POST", path="/v1/refunds" if http_case.name == "stripe" else "/refund")
    refund = http_case.provider.refund(
        provider_ref=created.provider_ref, amount=Money(5000, "ZAR"), idempotency_key="refund-lost"
    )
    assert refund.amount == Money(5000, "ZAR")
    assert len(http_case.sleeps.delays) == 1  # one lost answer, one retry
    assert http_case.server.objects[created.provider_ref]["refunded"] == 5000
    again = http_case.provider.refund(
        provider_ref=created.provider_ref, amount=Money(5000, "ZAR"), idempotency_key="refund-lost"
    )
    assert again.provider_ref == refund.provider_ref
    assert http_case.server.objects[created.provider_ref]["refunded"] == 5000
