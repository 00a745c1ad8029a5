"""The Master UI's forms: they check what a person typed; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SEVERITIES = [("minor", _("Minor")), ("major", _("Major")), ("critical", _("Critical"))]
INCIDENT_STATUSES = [
    ("investigating", _("Investigating")),
    ("identified", _("Identified")),
    ("monitoring", _("Monitoring")),
    ("resolved", _("Resolved")),
]
EVENT_KINDS = [
    ("", _("Any kind")),
    ("login_failed", _("Failed sign-in")),
    ("mfa_failed", _("Failed MFA code")),
    ("rate_limited", _("Rate limit hit")),
    ("permission_denied", _("Permission denied")),
    ("webhook_signature_invalid", _("Invalid webhook signature")),
    ("api_key_misuse", _("API key misuse")),
    ("suspicious_money_movement", _("Suspicious money movement")),
    ("credential_stuffing", _("Credential stuffing")),
    ("brute_force", _("Brute force")),
    ("request_blocked", _("Request blocked")),
    ("firewall_probe", _("Attack probe")),
]
EVENT_SEVERITIES = [
    ("", _("Any severity")),
    ("info", _("Info")),
    ("low", _("Low")),
    ("medium", _("Medium")),
    ("high", _("High")),
    ("critical", _("Critical")),
]
SINCE_CHOICES = [
    ("1h", _("Last hour")),
    ("24h", _("Last 24 hours")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
]
SINCE_WINDOWS = {
    "1h": dt.timedelta(hours=1),
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}
PLATFORM_ROLES = [
    ("learner", _("Learner")),
    ("instructor", _("Instructor")),
    ("finance_admin", _("Finance admin")),
    ("platform_admin", _("Platform admin")),
]
MAX_EXPIRY_HOURS = 24 * 365
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    service = forms.CharField(label=_("Service"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITIES, initial="major")
    message = forms.CharField(label=_("First update"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class IncidentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=INCIDENT_STATUSES)
    message = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class MaintenanceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    services = forms.CharField(
        label=_("Services"), max_length=500, help_text=_("The services it concerns, separated by commas.")
    )
    starts_at = forms.DateTimeField(label=_("Starts (UTC)"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends (UTC)"), widget=DATETIME_WIDGET)

    def clean_services(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["services"].split(",") if name.strip()]


class SecurityEventFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EVENT_KINDS, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=EVENT_SEVERITIES, required=False)
    ip = forms.CharField(label=_("IP address"), max_length=64, required=False)
    since = forms.ChoiceField(label=_("Period"), choices=SINCE_CHOICES, initial="24h", required=False)


class IpRuleForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("deny", _("Deny")), ("allow", _("Allow"))])
    cidr = forms.CharField(
        label=_("Address or range"), max_length=64, help_text=_("An IPv4 or IPv6 address, or a CIDR range.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    expires_in_hours = forms.IntegerField(
        label=_("Expires after (hours)"),
        min_value=1,
        max_value=MAX_EXPIRY_HOURS,
        required=False,
        help_text=_("Leave empty for a rule that never expires."),
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=100, required=False)
    target_id = forms.CharField(label=_("Target id"), max_length=100, required=False)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Email or name"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *PLATFORM_ROLES], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=_("Kept in the audit trail with your name."))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PLATFORM_ROLES)


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("keep", _("Keep")), ("remove", _("Remove"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=500)


class DeletionReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and anonymise")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500)


def prefixed(form_class: type[forms.Form], prefix: str, data: Any = None) -> forms.Form:
    """A form of `form_class` with a prefix, so several forms of one page keep their field ids apart."""
    return form_class(data, prefix=prefix)
