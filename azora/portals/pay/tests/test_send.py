"""Send AZR: the form, the confirmation with fee and total (nothing moves yet), the idempotent confirm, and
every refusal coming back as the form with its errors and nothing written."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import Settings

import azora.finance.public as finance
from azora.accounts.models import User
from azora.portals.pay.tests.conftest import TopUp, available, money_rows
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _review(client: Client, recipient: str, amount: str, note: str = "") -> tuple[int, str]:
    response = client.post("/pay/send/", {"recipient": recipient, "amount": amount, "note": note, "step": "review"})
    return response.status_code, response.content.decode()


def _transfer_id(html: str) -> str:
    found = re.search(r'name="transfer_id" value="([0-9a-f-]{36})"', html)
    assert found is not None, html
    return found.group(1)


def test_the_send_page_shows_what_is_available(signed_in: Client, person: User, top_up: TopUp) -> None:
    top_up(person, 12345)

    html = signed_in.get("/pay/send/").content.decode()

    assert "Available in your wallet: <strong>123.45 AZR</strong>." in html
    assert '<label for="id_recipient">Recipient&#x27;s email address:</label>' in html


def test_the_confirmation_shows_fee_and_total_and_moves_nothing(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    before = money_rows()
    fee = finance.peer_transfer_fee(amount=Money(2500, "AZR"))

    status, html = _review(signed_in, other.email, "25", "Thanks for the notes")

    assert status == 200
    assert "Check and confirm" in html
    assert f"<dt>Fee</dt><dd>{fee}</dd>" in html
    assert f"<dd>{Money(2500, 'AZR') + fee}</dd>" in html
    assert '<input type="hidden" name="amount" value="25.00">' in html
    assert money_rows() == before
    assert available(other) == Money(0, "AZR")


def test_confirming_sends_once_even_when_submitted_twice(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    _, html = _review(signed_in, other.email, "25", "Thanks")
    transfer_id = _transfer_id(html)
    fee = finance.peer_transfer_fee(amount=Money(2500, "AZR"))
    confirm = {"recipient": other.email, "amount": "25.00", "note": "Thanks", "transfer_id": transfer_id}

    first = signed_in.post("/pay/send/", {**confirm, "step": "confirm"})
    second = signed_in.post("/pay/send/", {**confirm, "step": "confirm"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/pay/transfers/{transfer_id}/"
    assert available(other) == Money(2500, "AZR")
    assert available(person) == Money(10000 - 2500, "AZR") - fee
    page = signed_in.get(first["Location"]).content.decode()
    assert "Sent 25.00 AZR to sipho@example.test." in page
    assert f"<dd>{-(Money(2500, 'AZR') + fee)}</dd>" in page


def test_under_htmx_a_confirm_redirects_the_whole_page(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    _, html = _review(signed_in, other.email, "1")
    data = {"recipient": other.email, "amount": "1.00", "transfer_id": _transfer_id(html), "step": "confirm"}

    response = signed_in.post("/pay/send/", data, headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/pay/transfers/{data['transfer_id']}/"


@pytest.mark.parametrize(
    ("recipient", "amount", "field", "message"),
    [
        ("nobody@example.test", "5", "recipient", "No Azora account uses this email address."),
        ("lindiwe@example.test", "5", "recipient", "This is your own email address."),
        ("not an email", "5", "recipient", "Enter a valid email address."),
        ("sipho@example.test", "0", "amount", "Enter an amount greater than zero."),
        ("sipho@example.test", "-3", "amount", "Enter an amount greater than zero."),
        ("sipho@example.test", "1.005", "amount", "Enter at most 2 decimal places."),
        ("sipho@example.test", "ten", "amount", "Enter an amount as a number, for example 25.00."),
    ],
)
def test_bad_input_returns_the_form_with_its_error_and_writes_nothing(
    signed_in: Client, person: User, other: User, top_up: TopUp, recipient: str, amount: str, field: str, message: str
) -> None:
    top_up(person, 10000)
    before = money_rows()

    status, html = _review(signed_in, recipient, amount)

    assert status == 422
    assert 'class="form-errors" role="alert"' in html
    assert f'<a href="#id_{field}">' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert money_rows() == before


def test_a_confirm_beyond_the_balance_is_refused_and_nothing_moves(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 1000)
    _, html = _review(signed_in, other.email, "10")  # 10.00 AZR plus its fee is more than the wallet holds
    before = money_rows()

    response = signed_in.post(
        "/pay/send/",
        {"recipient": other.email, "amount": "10.00", "transfer_id": _transfer_id(html), "step": "confirm"},
    )

    assert response.status_code == 409
    assert "The wallet does not hold enough for this amount and its fee." in response.content.decode()
    assert money_rows() == before
    assert available(person) == Money(1000, "AZR")


def test_changing_the_details_goes_back_to_the_filled_form(signed_in: Client, other: User) -> None:
    response = signed_in.post("/pay/send/", {"recipient": other.email, "amount": "3.00", "note": "hi", "step": "edit"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check and confirm" not in html
    assert 'value="3.00"' in html
    assert f'value="{other.email}"' in html


def test_htmx_gets_only_the_send_panel(signed_in: Client, person: User, other: User, top_up: TopUp) -> None:
    top_up(person, 1000)

    response = signed_in.post("/pay/send/", {"recipient": other.email, "amount": "1", "step": "review"}, headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="send-panel">')
    assert "<html" not in html


def test_a_send_above_the_daily_limit_is_refused_and_nothing_moves(
    signed_in: Client, person: User, other: User, top_up: TopUp, settings: Settings
) -> None:
    settings.AZORA_AZR_PEER_DAILY_LIMIT = 1  # AZR per day
    top_up(person, 10000)
    _, html = _review(signed_in, other.email, "2")
    before = money_rows()

    response = signed_in.post(
        "/pay/send/", {"recipient": other.email, "amount": "2.00", "transfer_id": _transfer_id(html), "step": "confirm"}
    )

    assert response.status_code == 409
    assert "This would go over your daily sending limit." in response.content.decode()
    assert money_rows() == before
