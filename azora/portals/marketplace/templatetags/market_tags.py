"""Template helpers of the Marketplace UI: statuses, levels and pay in the reader's words and number format."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from azora.marketplace.public import ListingView
from azora.shared.formatting import amount_text, money_text
from azora.shared.money import Money

register = template.Library()


# The Pay UI and the Marketplace UI print money alike (azora.shared.formatting).
amount = register.filter("amount", amount_text)
money = register.filter("money", money_text)


STATUS_LABELS = {
    # listings
    "draft": _("Draft"),
    "open": _("Open"),
    "paused": _("Paused"),
    "filled": _("Filled"),
    "closed": _("Closed"),
    "expired": _("Expired"),
    # applications
    "submitted": _("Submitted"),
    "reviewing": _("Reviewing"),
    "shortlisted": _("Shortlisted"),
    "interviewing": _("Interviewing"),
    "offered": _("Offered"),
    "accepted": _("Accepted"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
    # contracts and milestones
    "active": _("Active"),
    "completed": _("Completed"),
    "canceled": _("Cancelled"),
    "pending": _("Not funded yet"),
    "funding": _("Payment in progress"),
    "funded": _("Held in escrow"),
    "disputed": _("Disputed: held"),
    "released": _("Released"),
    "refunded": _("Refunded"),
    "split": _("Split"),
    "resolved": _("Resolved"),
    # dispute decisions
    "release": _("Released to the seller"),
    "refund": _("Refunded to the client"),
}
# The button a person presses to move an application to each status.
TRANSITION_LABELS = {
    "reviewing": _("Mark as reviewing"),
    "shortlisted": _("Shortlist"),
    "interviewing": _("Invite to interview"),
    "offered": _("Make an offer"),
    "accepted": _("Accept the offer"),
    "rejected": _("Reject"),
    "withdrawn": _("Withdraw"),
}
LISTING_ACTION_LABELS = {"open": _("Publish"), "paused": _("Pause"), "closed": _("Close")}
KIND_LABELS = {"job": _("Job"), "gig": _("Gig")}
JOB_TYPE_LABELS = {
    "full_time": _("Full-time"),
    "part_time": _("Part-time"),
    "contract": _("Contract"),
    "internship": _("Internship"),
}
PERIOD_LABELS = {"hour": _("an hour"), "month": _("a month"), "year": _("a year"), "project": _("fixed price")}
LEVEL_LABELS = {1: _("Beginner"), 2: _("Intermediate"), 3: _("Advanced"), 4: _("Expert")}
# Statuses shown in a calm, good or warning colour (the word is always there; colour is never the only cue).
TONES = {
    "open": "good",
    "accepted": "good",
    "offered": "good",
    "funded": "good",
    "released": "good",
    "completed": "good",
    "disputed": "warning",
    "funding": "warning",
    "rejected": "muted",
    "withdrawn": "muted",
    "canceled": "muted",
    "closed": "muted",
    "expired": "muted",
    "refunded": "muted",
}


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def status_tone(status: str) -> str:
    return TONES.get(status, "neutral")


@register.filter
def transition_label(status: str) -> str:
    return str(TRANSITION_LABELS.get(status, status))


@register.filter
def listing_action_label(status: str) -> str:
    return str(LISTING_ACTION_LABELS.get(status, status))


@register.filter
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@register.filter
def job_type_label(job_type: str) -> str:
    return str(JOB_TYPE_LABELS.get(job_type, job_type))


@register.filter
def level_label(level: int) -> str:
    return str(LEVEL_LABELS.get(level, level))


@register.filter
def pay_range(listing: ListingView) -> str:
    """A job's range with an en dash ("20,000.00 to 30,000.00 ZAR a month"), or "5,000.00 ZAR fixed price"."""
    period = str(PERIOD_LABELS.get(listing.pay_period, listing.pay_period))
    if listing.pay_max.minor > listing.pay_min.minor:
        low = money(listing.pay_min).rsplit(" ", 1)[0]
        return f"{low}\u2013{money(listing.pay_max)} {period}"
    return f"{money(listing.pay_min)} {period}"


@register.filter
def stars(rating: float | int | None) -> str:
    """A rating as text a screen reader says well: "4.5 out of 5"."""
    if rating is None:
        return ""
    return str(_("%(rating)s out of 5")) % {"rating": rating}


@register.filter
def get_item(mapping: dict[object, object] | None, key: object) -> object:
    """`mapping[key]` or None: the match of a listing in a search page."""
    return mapping.get(key) if mapping else None


@register.filter
def minor_amount(minor: int, currency: str) -> str:
    """An amount in minor units as the reader writes it ("2,000.00"), for plans that carry no Money."""
    return amount(Money(minor, currency))


@register.filter
def percent_of_bp(basis_points: int) -> str:
    """Basis points as a percentage ("2.5" for 250)."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
