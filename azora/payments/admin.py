"""Read-only Django admin for the Payment Service: money moves only through services, never by editing rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from azora.payments.models import (
    PaymentIntent,
    PaymentIntentTransition,
    Receipt,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)
from azora.shared.admin import ReadOnlyAdmin


class TransitionInline(admin.TabularInline[PaymentIntentTransition, PaymentIntent]):
    model = PaymentIntentTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "source", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnlyAdmin[PaymentIntent]):
    list_display = ("id", "customer_id", "amount_minor", "currency", "status", "purpose", "provider", "created_at")
    list_filter = ("status", "provider", "purpose", "currency")
    search_fields = ("=id", "=customer_id", "=provider_ref")
    inlines = (TransitionInline,)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin[Refund]):
    list_display = ("id", "intent_id", "amount_minor", "currency", "status", "requested_by", "created_at")
    list_filter = ("status",)
    search_fields = ("=id", "=intent__id")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin[Receipt]):
    list_display = ("number", "customer_email", "total_minor", "currency", "provider", "issued_at", "emailed_at")
    search_fields = ("number", "customer_email")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin[WebhookEvent]):
    list_display = ("provider", "event_id", "event_type", "status", "deliveries", "created_at", "processed_at")
    list_filter = ("provider", "status", "event_type")
    search_fields = ("event_id", "provider_ref")


@admin.register(SavedPaymentMethod)
class SavedPaymentMethodAdmin(ReadOnlyAdmin[SavedPaymentMethod]):
    list_display = ("id", "customer_id", "provider", "brand", "last4", "exp_month", "exp_year", "created_at")
    list_filter = ("provider", "brand")
    search_fields = ("=id", "=customer_id")
