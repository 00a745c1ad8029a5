"""Wallet overview, history with filters and CSV, statements: figures exactly as Finance has them."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

import azora.finance.public as finance
from azora.accounts.models import User
from azora.portals.pay.tests.conftest import TopUp, money_rows
from azora.portals.pay.views import wallet
from azora.shared.ids import uuid7
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def _send(sender: User, recipient: User, minor: int, note: str) -> finance.TransferView:
    return finance.peer_transfer(
        transfer_id=uuid7(), from_user_id=sender.id, to_user_id=recipient.id, amount=Money(minor, "AZR"), note=note
    )


def test_a_new_person_sees_an_empty_azr_wallet(signed_in: Client) -> None:
    response = signed_in.get("/pay/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="balance-available">0.00 AZR</dd>' in html
    assert "Nothing has moved in this wallet yet." in html
    assert "style=" not in html
    assert "no-store" in response["Cache-Control"]
    assert '<a href="/pay/" aria-current="page">Wallet</a>' in html


def test_the_overview_shows_balances_the_chart_and_recent_activity(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 15000)
    _send(person, other, 2000, "Books")
    wallet = finance.user_wallet(user_id=person.id)
    balance = finance.balance(account_id=wallet.id)

    html = signed_in.get("/pay/").content.decode()

    assert f'<dd class="balance-available">{balance.available}</dd>' in html
    assert '<svg class="balance-chart"' in html
    assert re.search(r'<polyline class="chart-line" points="[\d., ]+"', html)
    assert "Closing AZR balance per day" in html
    assert "Books" in html
    sent = Money(2000, "AZR") + finance.peer_transfer_fee(amount=Money(2000, "AZR"))
    assert f"\u2212{sent}" in html  # a true minus sign; the sender pays the fee too
    assert "+150.00 AZR" in html


def test_the_history_lists_entries_and_finds_them_by_words(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    _send(person, other, 500, "Pizza night")
    _send(person, other, 700, "Bus fare")

    everything = signed_in.get("/pay/history/").content.decode()
    searched = signed_in.get("/pay/history/?period=30&q=pizza").content.decode()

    assert "Pizza night" in everything
    assert "Bus fare" in everything
    assert "Pizza night" in searched
    assert "Bus fare" not in searched


def test_the_history_filters_by_kind_and_period(signed_in: Client, person: User, other: User, top_up: TopUp) -> None:
    top_up(person, 10000)
    _send(person, other, 500, "Pizza night")
    tomorrow = timezone.localdate() + timedelta(days=1)

    peer_only = signed_in.get("/pay/history/?kind=peer").content.decode()
    future = signed_in.get(f"/pay/history/?period=custom&since={tomorrow}&until={tomorrow}").content.decode()

    assert "Pizza night" in peer_only
    assert "+100.00 AZR" not in peer_only
    assert "No entries match these filters." in future


def test_a_period_that_ends_before_it_starts_is_shown_as_an_error(signed_in: Client) -> None:
    response = signed_in.get("/pay/history/?period=custom&since=2026-05-02&until=2026-05-01")

    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.content.decode()


def test_htmx_filtering_returns_only_the_results(signed_in: Client) -> None:
    response = signed_in.get("/pay/history/?period=7", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="history-results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_history_csv_has_every_entry_signed_and_safe_for_spreadsheets(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    _send(person, other, 500, '=HYPERLINK("http://evil")')
    fee = finance.peer_transfer_fee(amount=Money(500, "AZR"))
    before = money_rows()

    response = signed_in.get("/pay/history/?period=30&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="azora-wallet-azr-')
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]  # a streaming response
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "posted_at",
        "kind",
        "description",
        "reference",
        "amount",
        "currency",
        "balance_after",
        "status",
        "transfer_id",
    ]
    amounts = [row[4] for row in rows[1:]]
    assert amounts == [f"{-(Money(500, 'AZR') + fee).to_decimal()}", "100.00"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert money_rows() == before


def test_a_statement_shows_opening_entries_and_closing(
    signed_in: Client, person: User, other: User, top_up: TopUp
) -> None:
    top_up(person, 10000)
    _send(person, other, 1000, "Rent share")
    wallet = finance.user_wallet(user_id=person.id)
    today = timezone.localdate()
    closing = finance.balance(account_id=wallet.id).posted

    response = signed_in.get(f"/pay/statements/?account={wallet.id}&start={today}&end={today}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<dt>Opening balance</dt><dd>0.00 AZR</dd>" in html
    assert f"<dt>Closing balance</dt><dd>{closing}</dd>" in html
    assert "Rent share" in html


def test_a_statement_csv_opens_and_closes_with_the_balances(signed_in: Client, person: User, top_up: TopUp) -> None:
    top_up(person, 2500)
    wallet = finance.user_wallet(user_id=person.id)
    today = timezone.localdate()

    response = signed_in.get(f"/pay/statements/?account={wallet.id}&start={today}&end={today}&format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[2] == ["opening_balance", "0.00", "AZR"]
    assert rows[5][4] == "25.00"
    assert rows[-1] == ["closing_balance", "25.00", "AZR"]


def test_a_statement_with_bad_dates_is_refused(signed_in: Client) -> None:
    response = signed_in.get("/pay/statements/?start=2026-05-02&end=2026-05-01")
    garbage = signed_in.get("/pay/statements/?start=yesterday&end=2026-05-01")

    assert response.status_code == garbage.status_code == 422
    assert "The end date must be on or after the start date." in response.content.decode()
    assert "Enter a valid date." in garbage.content.decode()


def test_a_long_statement_page_shows_the_first_entries_and_the_csv_has_all(
    signed_in: Client, person: User, top_up: TopUp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for minor in (100, 200, 300):
        top_up(person, minor)
    today = timezone.localdate()
    query = f"start={today}&end={today}"
    monkeypatch.setattr(wallet, "STATEMENT_PAGE_ROWS", 2)

    html = signed_in.get(f"/pay/statements/?{query}").content.decode()
    rows = list(csv.reader(io.StringIO(signed_in.get(f"/pay/statements/?{query}&format=csv").content.decode())))

    assert "This statement has 3 entries; the page shows the first 2. The CSV download has them all." in html
    assert html.count('<span class="entry-kind">Card payment or top-up') == 2
    assert [row[4] for row in rows[5:8]] == ["1.00", "2.00", "3.00"]


def test_older_history_entries_load_page_by_page(signed_in: Client, person: User, top_up: TopUp) -> None:
    for minor in range(100, 100 + 26 * 100, 100):
        top_up(person, minor)

    first = signed_in.get("/pay/history/?period=30&q=").content.decode()
    more_link = re.search(r'href="/pay/history/\?([^"]*cursor=[^"]+)"', first)
    assert more_link is not None
    query = more_link.group(1).replace("&amp;", "&")
    older = signed_in.get(f"/pay/history/?{query}", headers={"HX-Request": "true"}).content.decode()
    whole = signed_in.get(f"/pay/history/?{query}").content.decode()

    entry = '<span class="entry-kind">Card payment or top-up'
    assert first.count(entry) == 25
    assert "+26.00 AZR" in first
    assert "<html" not in older
    assert older.count(entry) == 1
    assert "+1.00 AZR" in older
    assert 'id="more-row"' not in older
    assert "<html" in whole
    assert "period=30" in query
