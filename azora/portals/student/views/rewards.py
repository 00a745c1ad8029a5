"""The learner's learn-to-earn rewards (with their proof and this month's cap) and upgrade offers to accept.

The revenue engine decides every reward, cap and offer (`rewards_of`, `reward_month_summary`, `offers_of`,
`offer_accept`); these views show them and pass an acceptance on.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.revenue.public as revenue
from azora.portals.student.views.common import HtmxRequest, domain_errors_as_http, render_page, user_id_of
from azora.shared.errors import DomainError, NotFound

REWARDS_PAGE_SIZE = 25


def _rewards_page(request: HtmxRequest, *, status: int = 200, offer_error: str = "") -> HttpResponse:
    user_id = user_id_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = revenue.rewards_of(user_id=user_id, cursor=cursor, limit=REWARDS_PAGE_SIZE)
    except DomainError:  # a damaged or foreign cursor: the newest rewards again
        cursor = None
        page = revenue.rewards_of(user_id=user_id, limit=REWARDS_PAGE_SIZE)
    context = {
        "rewards": page.items,
        "next_cursor": page.next_cursor,
        "is_more": bool(cursor),
        "month": revenue.reward_month_summary(user_id=user_id),
        "offers": revenue.offers_of(user_id=user_id),
        "offer_error": offer_error,
    }
    partial = "reward-rows" if request.htmx and cursor else None
    return render_page(request, "student/revenue/rewards.html", context, partial=partial, status=status)


@login_required
@require_GET
def rewards(request: HtmxRequest) -> HttpResponse:
    return _rewards_page(request)


@login_required
@require_POST
@domain_errors_as_http
def offer_accept(request: HtmxRequest, offer_id: uuid.UUID) -> HttpResponse:
    """Accept an upgrade offer; another person's offer is a 404, an expired or used one says why."""
    user_id = user_id_of(request)
    try:
        offer = revenue.offer_accept(offer_id=offer_id, user_id=user_id)
    except NotFound:
        raise
    except DomainError as error:
        return _rewards_page(
            request, status=error.status if 400 <= error.status < 500 else 422, offer_error=str(error.detail)
        )
    if offer.trial_days:
        messages.success(request, _("Your %(days)s-day PRO trial has started.") % {"days": offer.trial_days})
        return redirect("pay:subscription")
    messages.success(request, _("Offer accepted: the discount is applied when you upgrade."))
    return redirect("pay:buy_plan", plan_code=offer.plan_code)
