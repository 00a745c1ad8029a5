"""Forms of the web shell: they parse and check the shape of input; the Auth Service decides the rest."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.accounts.public import API_KEY_SCOPES, ORGANISATION_ROLES

# Organisation roles, most powerful first, with the words a person reads.
ROLE_LABELS = {
    "owner": _("Owner"),
    "admin": _("Admin"),
    "instructor": _("Instructor"),
    "member": _("Member"),
    "billing": _("Billing"),
}
SCOPE_LABELS = {
    "profile:read": _("Read your profile"),
    "profile:write": _("Change your profile"),
    "organisations:read": _("Read organisations and members"),
    "organisations:write": _("Manage organisations, members and invitations"),
    "api_keys:read": _("List API keys"),
    "api_keys:write": _("Create and revoke API keys"),
    "ai:chat": _("Chat with the platform's AI"),
}


def role_choices() -> list[tuple[str, Any]]:
    ordered = [role for role in ROLE_LABELS if role in ORGANISATION_ROLES]
    ordered += sorted(ORGANISATION_ROLES - set(ordered))
    return [(role, ROLE_LABELS.get(role, role)) for role in ordered]


def scope_choices() -> list[tuple[str, Any]]:
    ordered = [scope for scope in SCOPE_LABELS if scope in API_KEY_SCOPES]
    ordered += sorted(API_KEY_SCOPES - set(ordered))
    return [(scope, f"{SCOPE_LABELS.get(scope, scope)} ({scope})") for scope in ordered]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        required=False,
        help_text=_("How other people see you. Leave it empty to use your email address."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=())
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=2,
        help_text=_("Two-letter ISO code, for example ZA, KE or NG."),
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter country code, such as ZA."))],
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 4}),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        help_text=_(
            "Only you can see it. Azora uses it for one thing: learners under 18 get the AI assistant's strictest "
            "safety settings. Leave it empty if you prefer not to say."
        ),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = list(settings.LANGUAGES)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = time_zone_choices()
        # The browser's date picker offers no day after today (the Auth Service checks it again).
        self.fields["date_of_birth"].widget.attrs["max"] = timezone.now().astimezone(UTC).date().isoformat()

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    slug = forms.SlugField(
        label=_("Short name (optional)"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the name when left empty."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class InvitationCreateForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=role_choices, initial="member")


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What the key is for, so that you recognise it later."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=scope_choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    organisation = forms.ChoiceField(label=_("Owner"), choices=(), required=False)
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        help_text=_("The key stops working at the end of this day (UTC)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [("", _("Me (a personal key)")), *organisations]
        if not organisations:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_expires_on(self) -> date | None:
        expires_on: date | None = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on < timezone.now().astimezone(UTC).date():
            raise forms.ValidationError(_("Choose today or a later day."))
        return expires_on

    def expires_at(self) -> datetime | None:
        expires_on: date | None = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        return datetime.combine(expires_on, time(23, 59, 59), tzinfo=UTC)
