"""Django admin for the Auth Service's tables; secrets (password, token and key hashes) are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from azora.accounts.models import ApiKey, Invitation, Membership, Organisation, PlatformRoleGrant, User


class PlatformRoleInline(admin.TabularInline[PlatformRoleGrant, User]):
    model = PlatformRoleGrant
    extra = 0
    fields = ("role", "created_at")
    readonly_fields = ("created_at",)


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    fields = ("organisation", "user", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("organisation", "user")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # the stubs make the base generic over the model
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "platform_roles__role")
    search_fields = ("email", "display_name")
    readonly_fields = ("id", "date_joined", "last_login", "updated_at")
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        (_("Profile"), {"fields": ("display_name", "preferred_language", "country", "time_zone", "date_of_birth")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("date_joined", "last_login", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (PlatformRoleInline, MembershipInline)


@admin.register(PlatformRoleGrant)
class PlatformRoleGrantAdmin(admin.ModelAdmin[PlatformRoleGrant]):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    list_select_related = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("organisation", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("organisation__name", "user__email")
    raw_id_fields = ("organisation", "user")
    list_select_related = ("organisation", "user")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    # The token hash is left out: it is a credential's fingerprint and of no use to an operator.
    fields = ("id", "organisation", "email", "role", "invited_by", "expires_at", "accepted_at", "accepted_by",
              "revoked_at", "created_at")  # fmt: skip
    readonly_fields = ("id", "organisation", "email", "invited_by", "expires_at", "accepted_at", "accepted_by",
                       "created_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are made through the service, which emails the one-time token


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ("name", "prefix", "user", "organisation", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("name", "prefix", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    # secret_hash is left out on purpose; an operator can revoke a key but never see or set its secret.
    fields = ("id", "name", "prefix", "user", "organisation", "created_by", "scopes", "created_at", "last_used_at",
              "expires_at", "revoked_at")  # fmt: skip
    readonly_fields = ("id", "name", "prefix", "user", "organisation", "created_by", "scopes", "created_at",
                       "last_used_at", "expires_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are made through the service, which shows the raw key once
