"""Django admin for the ledger: everything read-only; corrections are reversing transfers, never edits."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from azora.finance.models import Account, Payout, Posting, Transfer
from azora.shared.admin import ReadOnlyAdmin


class PostingInline(admin.TabularInline[Posting, Transfer]):
    model = Posting
    fields = ("id", "account", "side", "amount", "currency", "phase", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin[Account]):
    list_display = ("name", "owner_type", "owner_id", "code", "currency", "kind", "may_go_negative")
    list_filter = ("owner_type", "kind", "currency")
    search_fields = ("=id", "=owner_id", "code", "name")
    readonly_fields = tuple(field.name for field in Account._meta.fields)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin[Transfer]):
    list_display = ("id", "kind", "status", "reason", "reference", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("=id", "reason", "reference")
    readonly_fields = tuple(field.name for field in Transfer._meta.fields)
    inlines = (PostingInline,)


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin[Posting]):
    list_display = ("id", "transfer", "account", "side", "amount", "currency", "phase", "created_at")
    list_filter = ("phase", "side", "currency")
    search_fields = ("=transfer__id", "=account__id")
    readonly_fields = tuple(field.name for field in Posting._meta.fields)
    list_select_related = ("transfer", "account")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin[Payout]):
    list_display = (
        "id",
        "user_id",
        "amount_minor",
        "currency",
        "status",
        "provider",
        "destination_label",
        "created_at",
    )
    list_filter = ("status", "provider", "currency")
    search_fields = ("=id", "=user_id", "=provider_ref")
    readonly_fields = tuple(field.name for field in Payout._meta.fields)
