"""The public pricing page: the plans, monthly or annual, in the visitor's country's prices when it is known.

The revenue engine owns plans and prices (`plan_list`, `plan_of_user`); this view picks the interval the visitor
asked for and the country their profile names (or the one they chose), and renders.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.views.decorators.http import require_GET

import azora.accounts.public as accounts
import azora.revenue.public as revenue
from azora.portals.student.views.common import INVALID, HtmxRequest, render_page, viewer_id_of
from azora.shared.errors import DomainError
from azora.shared.money import Money

INTERVALS = ("month", "year")
PREFERRED_CURRENCY = "ZAR"  # shown first when the country is unknown (Azora's home market)


@dataclass(frozen=True, slots=True)
class PlanCard:
    """One plan as the page shows it: its price for the chosen interval and the same plan's other currencies."""

    plan: revenue.PlanView
    price: revenue.PlanPriceView | None
    other_prices: tuple[revenue.PlanPriceView, ...]
    is_current: bool

    @property
    def is_free(self) -> bool:
        return self.price is None or self.price.amount.minor == 0


def _cards(plans: list[revenue.PlanView], interval: str, current_code: str | None) -> list[PlanCard]:
    cards = []
    for plan in plans:
        prices = sorted(
            (price for price in plan.prices if price.interval == interval),
            key=lambda price: (price.amount.currency != PREFERRED_CURRENCY, price.amount.currency),
        )
        cards.append(
            PlanCard(
                plan=plan,
                price=prices[0] if prices else None,
                other_prices=tuple(prices[1:]),
                is_current=plan.code == current_code,
            )
        )
    return cards


@require_GET
def pricing(request: HtmxRequest) -> HttpResponse:
    viewer_id = viewer_id_of(request)
    interval = request.GET.get("interval", "month")
    if interval not in INTERVALS:
        interval = "month"
    country = (request.GET.get("country") or "").strip().upper()
    if not country and viewer_id is not None:
        country = accounts.user_profile(user_id=viewer_id).country
    status = 200
    country_error = ""
    try:
        plans = revenue.plan_list(country=country or None)
    except DomainError as error:  # a country code the engine does not know: base prices, and say why
        country_error, country, status = str(error.detail), "", INVALID
        plans = revenue.plan_list()
    current = revenue.plan_of_user(user_id=viewer_id) if viewer_id is not None else None
    context = {
        "cards": _cards(plans, interval, current.code if current else None),
        "interval": interval,
        "country": country,
        "country_error": country_error,
        "current": current,
        "zero": Money.zero(PREFERRED_CURRENCY),
    }
    return render_page(request, "student/revenue/pricing.html", context, partial="plans", status=status)
