"""Top-up and checkout: amount → PaymentIntent → card → result (or the bank's challenge) → receipt; declined
cards and bad input; the pages follow the intent's status so that nothing is paid twice."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

import azora.payments.public as payments
from azora.accounts.models import User
from azora.portals.pay.tests.conftest import (
    CHALLENGE_CARD,
    DECLINED_CARD,
    PROCESSING_CARD,
    SUCCESS_CARD,
    TopUp,
    available,
    money_rows,
)
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def _start_top_up(client: Client, amount: str = "150") -> str:
    page = client.get("/pay/top-up/").content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    response = client.post("/pay/top-up/", {"amount": amount, "currency": "AZR", "request_key": key.group(1)})
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def _pay(client: Client, checkout_url: str, number: str = SUCCESS_CARD, **changes: str):  # type: ignore[no-untyped-def]
    data = {"number": number, "exp_month": "12", "exp_year": "2035", "cvc": "123", "confirm_key": "k1", **changes}
    return client.post(checkout_url, data)


def _intent_id(url: str) -> uuid.UUID:
    found = re.search(r"/pay/checkout/([0-9a-f-]{36})/", url)
    assert found is not None, url
    return uuid.UUID(found.group(1))


def test_a_top_up_creates_an_intent_for_the_wallet_and_opens_its_checkout(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "150")

    intent = payments.payment_intent_get(intent_id=_intent_id(url), viewer_id=person.id)
    assert url == f"/pay/checkout/{intent.id}/"
    assert (intent.amount, intent.purpose, intent.status) == (
        Money(15000, "AZR"),
        "wallet_top_up",
        "requires_payment_method",
    )
    html = signed_in.get(url).content.decode()
    assert "150.00 AZR" in html
    assert "<code>4242 4242 4242 4242</code>" in html
    assert "The bank declines the card." in html
    assert 'autocomplete="cc-number"' in html


def test_submitting_the_same_top_up_form_twice_creates_one_intent(signed_in: Client, person: User) -> None:
    data = {"amount": "20", "currency": "AZR", "request_key": "0" * 32}

    first = signed_in.post("/pay/top-up/", data)
    second = signed_in.post("/pay/top-up/", data)

    assert first["Location"] == second["Location"]
    assert len(payments.payment_intents_of(customer_id=person.id).items) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "Enter an amount greater than zero."), ("abc", "Enter an amount as a number"), ("5.555", "at most 2")],
)
def test_a_bad_top_up_amount_returns_the_form_and_creates_nothing(signed_in: Client, amount: str, message: str) -> None:
    before = money_rows()

    response = signed_in.post("/pay/top-up/", {"amount": amount, "currency": "AZR", "request_key": "k"})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert money_rows() == before


def test_paying_with_a_good_card_fills_the_wallet_and_issues_a_receipt(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "150")

    response = _pay(signed_in, url)

    intent_id = _intent_id(url)
    assert response.status_code == 302
    assert response["Location"] == f"/pay/checkout/{intent_id}/result/"
    assert available(person) == Money(15000, "AZR")
    result = signed_in.get(response["Location"]).content.decode()
    intent = payments.payment_intent_get(intent_id=intent_id, viewer_id=person.id)
    assert "Payment received" in result
    assert f'href="/pay/receipts/{intent.receipt_id}/"' in result
    receipt = signed_in.get(f"/pay/receipts/{intent.receipt_id}/")
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert re.search(r"Receipt <span class=\"mono\">INV-\d{4}-\d{6}</span>", html)
    assert "150.00 AZR" in html
    assert "Visa ending in 4242" in html
    assert "no-store" in receipt["Cache-Control"]


def test_the_checkout_of_a_paid_intent_leads_to_its_result_and_cannot_pay_twice(
    signed_in: Client, person: User
) -> None:
    url = _start_top_up(signed_in, "10")
    _pay(signed_in, url)
    before = money_rows()

    again = _pay(signed_in, url, confirm_key="k2")
    page = signed_in.get(url)

    assert again.status_code == page.status_code == 302
    assert page["Location"].endswith("/result/")
    assert available(person) == Money(1000, "AZR")
    assert money_rows() == before


def test_a_declined_card_shows_the_failure_and_adds_nothing(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "80")

    response = _pay(signed_in, url, DECLINED_CARD)

    result = signed_in.get(response["Location"]).content.decode()
    assert "Payment failed" in result
    assert "nothing was charged" in result
    assert "card_declined" in result
    assert 'href="/pay/top-up/?amount=80.00&amp;currency=AZR"' in result
    assert available(person) == Money(0, "AZR")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "4242"}, "Enter the card number: 12 to 19 digits."),
        ({"exp_month": "13"}, "Ensure this value is less than or equal to 12."),
        ({"cvc": ""}, "This field is required."),
    ],
)
def test_a_card_form_with_bad_input_comes_back_with_errors_and_charges_nothing(
    signed_in: Client, person: User, changes: dict[str, str], message: str
) -> None:
    url = _start_top_up(signed_in, "10")
    before = money_rows()

    response = _pay(signed_in, url, **changes)

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert 'class="form-errors" role="alert"' in html
    assert "4242424242424242" not in html  # the card number is never echoed back
    assert money_rows() == before
    intent = payments.payment_intent_get(intent_id=_intent_id(url), viewer_id=person.id)
    assert intent.status == "requires_payment_method"


def test_the_banks_challenge_can_be_approved(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "30")

    response = _pay(signed_in, url, CHALLENGE_CARD)

    intent_id = _intent_id(url)
    assert response["Location"] == f"/pay/checkout/{intent_id}/challenge/"
    page = signed_in.get(response["Location"]).content.decode()
    assert "Your card's bank asks you to approve a payment of <strong>30.00 AZR</strong>" in page
    assert available(person) == Money(0, "AZR")
    approved = signed_in.post(response["Location"], {"outcome": "approve"})
    assert approved["Location"] == f"/pay/checkout/{intent_id}/result/"
    assert available(person) == Money(3000, "AZR")


def test_the_banks_challenge_can_be_denied(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "30")
    challenge = _pay(signed_in, url, CHALLENGE_CARD)["Location"]

    denied = signed_in.post(challenge, {"outcome": "deny"})

    assert "Payment failed" in signed_in.get(denied["Location"]).content.decode()
    assert available(person) == Money(0, "AZR")


def test_a_challenge_answer_that_is_neither_is_refused(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "30")
    challenge = _pay(signed_in, url, CHALLENGE_CARD)["Location"]
    before = money_rows()

    response = signed_in.post(challenge, {"outcome": "maybe"})

    assert response.status_code == 422
    assert money_rows() == before


def test_an_unpaid_intent_can_be_cancelled(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "30")

    response = signed_in.post(f"{url}cancel/", follow=True)

    assert "The payment was cancelled; nothing was charged." in response.content.decode()
    intent = payments.payment_intent_get(intent_id=_intent_id(url), viewer_id=person.id)
    assert intent.status == "canceled"


def test_the_payments_list_shows_each_payment_with_its_receipt(signed_in: Client, person: User, top_up: TopUp) -> None:
    paid = top_up(person, 2000)
    failed = top_up(person, 3000, DECLINED_CARD)

    html = signed_in.get("/pay/receipts/").content.decode()

    assert f'href="/pay/receipts/{paid.receipt_id}/"' in html
    assert html.count('class="badge badge-succeeded"') == 1
    assert html.count('class="badge badge-failed"') == 1
    assert "30.00 AZR" in html
    assert failed.receipt_id is None


def test_the_payments_list_pages_with_a_cursor_and_recovers_from_a_bad_one(
    signed_in: Client, person: User, top_up: TopUp
) -> None:
    for minor in range(100, 100 + 21 * 100, 100):
        top_up(person, minor, DECLINED_CARD)

    first = signed_in.get("/pay/receipts/").content.decode()
    cursor = re.search(r'href="/pay/receipts/\?cursor=([^"]+)"', first)
    assert cursor is not None
    more = signed_in.get(f"/pay/receipts/?cursor={cursor.group(1)}", HTTP_HX_REQUEST="true").content.decode()
    broken = signed_in.get("/pay/receipts/?cursor=not-a-cursor")

    assert first.count("<tr>") == 1 + 20
    assert "<html" not in more
    assert more.count("<tr>") == 1
    assert "1.00 AZR" in more
    assert broken.status_code == 302


def test_a_payment_the_bank_settles_later_shows_a_page_that_refreshes_itself(signed_in: Client, person: User) -> None:
    url = _start_top_up(signed_in, "40")

    response = _pay(signed_in, url, PROCESSING_CARD)  # the signed webhook is sent after commit: not in this test

    result_url = f"/pay/checkout/{_intent_id(url)}/result/"
    assert response["Location"] == result_url
    page = signed_in.get(result_url).content.decode()
    fragment = signed_in.get(result_url, headers={"HX-Request": "true"}).content.decode()
    assert "Payment processing" in page
    assert f'hx-get="{result_url}" hx-trigger="every 2s"' in page
    assert fragment.lstrip().startswith('<div id="outcome"')
    assert "<html" not in fragment
    assert available(person) == Money(0, "AZR")


def test_when_the_banks_webhook_arrives_the_result_page_shows_success(
    signed_in: Client, person: User, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    url = _start_top_up(signed_in, "40")

    with django_capture_on_commit_callbacks(execute=True):
        _pay(signed_in, url, PROCESSING_CARD)

    page = signed_in.get(f"/pay/checkout/{_intent_id(url)}/result/", headers={"HX-Request": "true"}).content.decode()
    assert "Payment received" in page
    assert "hx-trigger" not in page  # polling stops once the payment has an answer
    assert available(person) == Money(4000, "AZR")
