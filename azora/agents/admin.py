"""Django admin for the orchestrator: platform staff edit the agent roster (roles, voices, tools, intents, order);
conversations, their messages and oversight consents are read-only records here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from azora.agents.models import Agent, Conversation, Message, OversightConsent


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin[Agent]):
    """The roster. The system prompt is not here: it is `azora/agents/prompts/<slug>.md`, in version control."""

    list_display = ("name", "slug", "role", "is_default", "is_active", "position")
    list_filter = ("is_active", "is_default")
    ordering = ("position", "slug")
    search_fields = ("slug", "name", "role")

    def get_readonly_fields(self, request: HttpRequest, obj: Agent | None = None) -> tuple[str, ...]:
        # The slug names the prompt file and is stored on every answer: fixed once the agent exists.
        return ("slug", "created_at", "updated_at") if obj is not None else ("created_at", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers keep a reference to their agent: deactivate it instead


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MessageInline(_ReadOnly, admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    fields = ("created_at", "role", "agent", "status", "intent", "content", "flags", "provider", "latency_ms")
    readonly_fields = fields
    ordering = ("id",)
    show_change_link = False


@admin.register(Conversation)
class ConversationAdmin(_ReadOnly, admin.ModelAdmin[Conversation]):
    list_display = ("id", "user", "title", "mode", "message_count", "last_message_at", "flagged_at")
    list_filter = ("mode", ("flagged_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "title", "user__email")
    readonly_fields = (
        "id",
        "user",
        "course_id",
        "organisation_id",
        "title",
        "mode",
        "message_count",
        "last_message_at",
        "flagged_at",
        "created_at",
    )
    list_select_related = ("user",)
    inlines = (MessageInline,)


@admin.register(OversightConsent)
class OversightConsentAdmin(_ReadOnly, admin.ModelAdmin[OversightConsent]):
    list_display = ("user", "notice_version", "created_at")
    list_filter = ("notice_version",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "notice_version", "created_at")
