"""The Education Revenue Engine's part of data protection: the person's orders, subscriptions, revenue shares,
rewards and offers for their export; what blocks a deletion (a subscription that would keep renewing).

Orders, charges and shares are financial records and stay as they are; they hold no name or address.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _

from azora.revenue.models.offers import UpgradeOffer
from azora.revenue.models.orders import Order, OrderShare
from azora.revenue.models.subscriptions import Subscription, SubscriptionStatus
from azora.security.public import export_rows, register_deletion_blocker, register_exporter

# A subscription in these states renews (or retries) unless it is cancelled first.
RENEWING = (SubscriptionStatus.INCOMPLETE, SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE,
            SubscriptionStatus.PAST_DUE)  # fmt: skip


def export_revenue_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "orders": export_rows(
            Order.objects.filter(buyer_id=user_id).order_by("-created_at"),
            [
                "id",
                "item",
                "course_id",
                "plan__code",
                "currency",
                "list_amount_minor",
                "total_minor",
                "status",
                "refunded_minor",
                "paid_at",
                "created_at",
            ],
        ),
        "subscriptions": export_rows(
            Subscription.objects.filter(user_id=user_id).order_by("-created_at"),
            [
                "id",
                "plan__code",
                "interval",
                "currency",
                "unit_amount_minor",
                "seats",
                "status",
                "current_period_end",
                "canceled_at",
                "created_at",
            ],
        ),
        "revenue_shares": export_rows(
            OrderShare.objects.filter(instructor_id=user_id).order_by("-created_at"),
            ["order_id", "amount_minor", "refunded_minor", "created_at"],
        ),
        "offers": export_rows(
            UpgradeOffer.objects.filter(user_id=user_id).order_by("-created_at"),
            ["kind", "status", "plan_code", "percent_off_bp", "expires_at", "accepted_at"],
        ),
        "rewards": _reward_rows(user_id),
    }


def _reward_rows(user_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    """Every reward table keyed by its model name: the reward tables carry a `user` and plain values only."""
    from django.apps import apps

    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_app_config("revenue").get_models():
        if model.__module__.endswith(".rewards") and any(field.name == "user" for field in model._meta.fields):
            names = [field.attname for field in model._meta.fields if field.attname != "user_id"]
            rows[model.__name__] = export_rows(model._default_manager.filter(user_id=user_id).order_by("-pk"), names)
    return rows


def revenue_deletion_blocker(user_id: uuid.UUID) -> str | None:
    renewing = Subscription.objects.filter(user_id=user_id, status__in=RENEWING, cancel_at_period_end=False)
    if renewing.exists():
        return _("You have a subscription that renews: cancel it first.")
    return None


register_exporter("revenue", export_revenue_data)
register_deletion_blocker("revenue", revenue_deletion_blocker)
