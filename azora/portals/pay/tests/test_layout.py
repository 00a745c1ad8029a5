"""Every Pay UI page sits in the shell's layout under the strict CSP: no inline script or style, its own
style sheet and script from /static/, a heading of its own, and never stored by a shared cache."""

from __future__ import annotations

import re

import pytest
from django.test import Client

import azora.finance.public as finance
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.portals.pay.tests.conftest import TopUp

pytestmark = pytest.mark.django_db


def _pages(person: User, top_up: TopUp) -> list[str]:
    paid = top_up(person, 5000)
    wallet = finance.user_wallet(user_id=person.id)
    return [
        "/pay/",
        "/pay/history/",
        "/pay/send/",
        "/pay/top-up/",
        f"/pay/checkout/{paid.id}/result/",
        "/pay/receipts/",
        f"/pay/receipts/{paid.receipt_id}/",
        f"/pay/statements/?account={wallet.id}&start=2026-01-01&end=2030-12-31",
        "/pay/refunds/",
        f"/pay/refunds/?payment={paid.id}",
    ]


def test_every_page_keeps_to_the_strict_csp_and_stays_out_of_shared_caches(
    signed_in: Client, person: User, top_up: TopUp
) -> None:
    platform_role_grant(user_id=person.id, role="finance_admin")

    for path in _pages(person, top_up):
        response = signed_in.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert "'self'" in response["Content-Security-Policy"], path
        assert "style=" not in html, path
        assert [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag] == [], path
        assert '<link rel="stylesheet" href="/static/pay/pay.css">' in html, path
        assert '<script src="/static/pay/pay.js" defer></script>' in html, path
        assert len(re.findall(r"<h1\b", html)) == 1, path
        assert '<nav class="section-menu" aria-label="Wallet and payments">' in html, path
        assert "no-store" in response["Cache-Control"], path
