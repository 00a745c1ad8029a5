"""Django admin for onboarding: platform admins edit flows (steps checked, version raised on a change of steps);
sessions with their step records, terms acceptances, placement attempts and learning paths are read-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from azora.onboarding import flows
from azora.onboarding.models import (
    Flow,
    LearningPath,
    OnboardingSession,
    PlacementAttempt,
    StepRecord,
    TermsAcceptance,
)
from azora.shared.admin import ReadOnlyAdmin

# --- Flows and sessions -----------------------------------------------------------------------


class FlowForm(forms.ModelForm[Flow]):
    class Meta:
        model = Flow
        fields = ("slug", "title", "steps", "is_active")
        help_texts = {
            "steps": _(
                'A list of steps in order, each {"slug", "title", "kind", "skippable", "guide"}. Sessions in progress '
                "keep the steps they started with; saving new steps raises the flow's version."
            )
        }

    def clean_steps(self) -> list[dict[str, Any]]:
        try:
            steps = flows.parse_steps(self.cleaned_data["steps"])
        except flows.FlowStepsInvalid as error:
            raise forms.ValidationError(str(error)) from error
        return [step.as_data() for step in steps]


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin[Flow]):
    form = FlowForm
    list_display = ("slug", "title", "version", "is_active", "updated_at")
    list_filter = ("is_active",)
    readonly_fields = ("version",)

    def get_readonly_fields(self, request: HttpRequest, obj: Flow | None = None) -> tuple[str, ...]:
        # Sessions name their flow by slug: it never changes once the flow exists.
        return ("slug", "version") if obj is not None else ("version",)

    def save_model(self, request: HttpRequest, obj: Flow, form: forms.ModelForm[Flow], change: bool) -> None:
        if change and Flow.objects.filter(pk=obj.pk).exclude(steps=obj.steps).exists():
            obj.version += 1
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a flow is retired by unticking "is active"; its sessions keep it


class StepRecordInline(admin.TabularInline[StepRecord, OnboardingSession]):
    model = StepRecord
    extra = 0
    can_delete = False
    fields = ("step", "status", "data", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OnboardingSession)
class OnboardingSessionAdmin(ReadOnlyAdmin[OnboardingSession]):
    list_display = ("id", "user", "flow", "flow_version", "status", "current_step", "last_activity_at")
    list_filter = ("status", "flow")
    search_fields = ("=id", "user__email")
    list_select_related = ("user", "flow")
    date_hierarchy = "created_at"
    inlines = (StepRecordInline,)


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin[TermsAcceptance]):
    list_display = ("user", "document", "version", "created_at")
    list_filter = ("document", "version")
    search_fields = ("user__email",)
    list_select_related = ("user",)


# --- Placement and learning paths (records, read-only) ----------------------------------------------------------


@admin.register(PlacementAttempt)
class PlacementAttemptAdmin(ReadOnlyAdmin[PlacementAttempt]):
    list_display = ("id", "user", "status", "created_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("=id", "user__email")
    list_select_related = ("user",)


@admin.register(LearningPath)
class LearningPathAdmin(ReadOnlyAdmin[LearningPath]):
    list_display = ("id", "user", "attempt", "created_at")
    search_fields = ("=id", "user__email")
    list_select_related = ("user",)
