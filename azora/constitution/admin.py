"""Admin for Constitutional AI: edit the constitution (each save is a new version), profiles, review decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from azora.constitution import selectors, services
from azora.constitution.document import DocumentInvalid, parse_document
from azora.constitution.models import ConstitutionVersion, DecisionRecord, OrganisationPolicy


class ConstitutionVersionForm(forms.ModelForm[ConstitutionVersion]):
    class Meta:
        model = ConstitutionVersion
        fields = ("source", "note")
        widgets = {"source": forms.Textarea(attrs={"rows": 40, "cols": 120, "spellcheck": "false"})}

    def clean_source(self) -> str:
        source: str = self.cleaned_data["source"]
        try:
            parse_document(source)
        except DocumentInvalid as error:
            raise forms.ValidationError(str(error)) from error
        return source


@admin.register(ConstitutionVersion)
class ConstitutionVersionAdmin(admin.ModelAdmin[ConstitutionVersion]):
    """Saving (a new one, or an edit of any version) always adds a new version; versions are never changed."""

    form = ConstitutionVersionForm
    list_display = ("number", "document_version", "origin", "note", "created_at")
    readonly_fields = ("number", "document_version", "origin", "sha256", "created_by_id", "created_at")
    ordering = ("-number",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["source", "note", *self.readonly_fields] if obj else ["source", "note"]

    def save_model(self, request: HttpRequest, obj: ConstitutionVersion, form: Any, change: bool) -> None:
        view = services.constitution_version_create(
            source=form.cleaned_data["source"], note=form.cleaned_data.get("note", ""), created_by_id=request.user.pk
        )
        saved = ConstitutionVersion.objects.get(number=view.number)
        obj.pk, obj.number, obj.created_at = saved.pk, saved.number, saved.created_at
        if change:
            messages.info(request, _("Saved as a new version; the version you edited is kept unchanged."))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrganisationPolicy)
class OrganisationPolicyAdmin(admin.ModelAdmin[OrganisationPolicy]):
    list_display = ("organisation_id", "profile", "updated_at")
    list_filter = ("profile",)
    search_fields = ("organisation_id",)
    fields = ("organisation_id", "profile")

    def save_model(self, request: HttpRequest, obj: OrganisationPolicy, form: Any, change: bool) -> None:
        obj.updated_by_id = request.user.pk
        super().save_model(request, obj, form, change)


@admin.register(DecisionRecord)
class DecisionRecordAdmin(admin.ModelAdmin[DecisionRecord]):
    """The audit, read-only: records are append-only and chained (any edit would break the chain)."""

    list_display = ("sequence", "created_at", "role", "action", "profile", "score", "surface", "user_id")
    list_filter = ("action", "role", "profile", "surface", "passed")
    search_fields = ("user_id", "request_id", "record_hash")
    ordering = ("-id",)
    actions = ["verify_chain"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in DecisionRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Verify the whole audit chain"))
    def verify_chain(self, request: HttpRequest, queryset: Any) -> None:
        report = selectors.audit_verify()
        if report.ok:
            messages.success(request, _("The audit chain verifies: %(count)d records.") % {"count": report.checked})
        else:
            messages.error(request, _("The audit chain is broken: %(problem)s.") % {"problem": report.problem})
