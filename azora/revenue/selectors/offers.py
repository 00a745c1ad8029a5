"""Upgrade offers' read side: a learner's offers, the discount checkout may apply, and the monthly acceptance rate."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from azora.revenue.models import OfferStatus, UpgradeOffer
from azora.revenue.public.offers import OfferAcceptanceMonth, OfferView
from azora.revenue.services.offers import offer_view


def offers_of(*, user_id: uuid.UUID) -> list[OfferView]:
    now = timezone.now()
    return [offer_view(offer, now=now) for offer in UpgradeOffer.objects.filter(user_id=user_id).order_by("-id")]


def offer_discount_for(
    *, user_id: uuid.UUID, plan_code: str, now: dt.datetime | None = None
) -> tuple[uuid.UUID, int] | None:
    now = now or timezone.now()
    found = (
        UpgradeOffer.objects.filter(
            user_id=user_id,
            plan_code=plan_code,
            status__in=[OfferStatus.ACTIVE, OfferStatus.ACCEPTED],
            percent_off_bp__gt=0,
            used_reference="",
            expires_at__gt=now,
        )
        .order_by("-percent_off_bp", "id")
        .values_list("id", "percent_off_bp")
        .first()
    )
    return None if found is None else (found[0], int(found[1]))


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    month = start.replace(day=1)
    last = end.replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def offer_acceptance_report(*, start: dt.date, end: dt.date) -> list[OfferAcceptanceMonth]:
    """One grouped query; months with no offers are filled in with zeros."""
    months = _months(start, end)
    if not months:
        return []
    since = dt.datetime.combine(months[0], dt.time.min, tzinfo=dt.UTC)
    after_last = (months[-1] + dt.timedelta(days=32)).replace(day=1)
    until = dt.datetime.combine(after_last, dt.time.min, tzinfo=dt.UTC)
    rows = (
        UpgradeOffer.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(month=TruncMonth("created_at", tzinfo=dt.UTC))
        .values("month")
        .annotate(offered=Count("id"), accepted=Count("id", filter=Q(status=OfferStatus.ACCEPTED)))
        .order_by("month")
    )
    counts = {_as_date(row["month"]): (int(row["offered"]), int(row["accepted"])) for row in rows}
    report = []
    for month in months:
        offered, accepted = counts.get(month, (0, 0))
        report.append(
            OfferAcceptanceMonth(
                month=month, offered=offered, accepted=accepted, rate_bp=accepted * 10000 // offered if offered else 0
            )
        )
    return report


def _as_date(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
