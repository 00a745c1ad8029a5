"""Admin views of Shared Services' tables: the outbox, its deliveries (with "retry now") and periodic job runs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from azora.shared.events import deliveries_retry_now
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent, PeriodicJobRun


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """Append-only records: visible to operators, never edited or added by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventDeliveryInline(admin.TabularInline[EventDelivery, OutboxEvent]):
    model = EventDelivery
    extra = 0
    can_delete = False
    fields = ("subscriber_name", "status", "attempts", "next_attempt_at", "last_error_class", "last_error_message")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin[OutboxEvent]):
    list_display = ("id", "event_type", "status", "occurred_at", "dispatched_at", "request_id")
    list_filter = ("status", "event_type")
    search_fields = ("=id", "event_type", "=request_id", "=trace_id")
    date_hierarchy = "occurred_at"
    inlines = (EventDeliveryInline,)


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin[EventDelivery]):
    list_display = (
        "subscriber_name", "event", "status", "attempts", "next_attempt_at", "last_attempted_at", "last_error_class",
    )  # fmt: skip
    list_filter = ("status", "subscriber_name")
    search_fields = ("=event__id", "subscriber_name", "last_error_class")
    list_select_related = ("event",)
    actions = ("retry_now",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The admin offers actions only to users who may change the model; the rows stay read-only in the form.
        return bool(request.user.has_perm("shared.change_eventdelivery"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in EventDelivery._meta.fields]

    @admin.action(description="Retry now", permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        count = deliveries_retry_now(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} delivery(ies) will be retried now.", messages.SUCCESS)


@admin.register(HandledEvent)
class HandledEventAdmin(ReadOnlyAdmin[HandledEvent]):
    list_display = ("subscriber_name", "event", "handled_at")
    list_filter = ("subscriber_name",)
    search_fields = ("=event__id", "subscriber_name")


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(ReadOnlyAdmin[PeriodicJobRun]):
    list_display = ("job_name", "slot_start", "claimed_at", "task_result_id")
    list_filter = ("job_name",)
    date_hierarchy = "slot_start"
