"""Aegis's tables: security events, IP rules and reputation, the hash-chained audit trail, data exports,
deletion requests, consent records and the moderation queue."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.shared.ids import uuid7
from azora.shared.models import PublicModel

GENESIS_HASH = "0" * 64


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class SecurityEventKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    MFA_FAILED = "mfa_failed", _("Failed MFA code")
    RATE_LIMITED = "rate_limited", _("Rate limit hit")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid", _("Invalid webhook signature")
    API_KEY_MISUSE = "api_key_misuse", _("API key misuse")
    SUSPICIOUS_MONEY_MOVEMENT = "suspicious_money_movement", _("Suspicious money movement")
    CREDENTIAL_STUFFING = "credential_stuffing", _("Credential stuffing")
    BRUTE_FORCE = "brute_force", _("Brute force")
    REQUEST_BLOCKED = "request_blocked", _("Request blocked")
    FIREWALL_PROBE = "firewall_probe", _("Attack probe")


class SecurityEvent(models.Model):
    """Something security-relevant that happened, append-only; pruned after the activity-log retention."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=32, choices=SecurityEventKind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    actor_id = models.UUIDField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=200, blank=True, default="")
    path = models.CharField(max_length=300, blank=True, default="")
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_at"], name="security_event_time_idx"),
            models.Index(fields=["kind", "created_at"], name="security_event_kind_idx"),
            models.Index(fields=["ip", "created_at"], name="security_event_ip_idx"),
            models.Index(fields=["actor_id", "created_at"], name="security_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class IpRule(PublicModel):
    """Allow or deny an address or CIDR range until `expires_at` (forever when null). Deny rules are answered
    403 at the edge before any app code runs; allow rules exempt from the automatic blocks."""

    class Action(models.TextChoices):
        ALLOW = "allow", _("Allow")
        DENY = "deny", _("Deny")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Operator")
        AUTOMATIC = "automatic", _("Abuse detection")

    action = models.CharField(max_length=8, choices=Action.choices)
    cidr = models.CharField(max_length=64)
    reason = models.CharField(max_length=300)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="security_iprule_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.cidr}"


class IpReputation(models.Model):
    """How far an address is trusted, 0 (hostile) to 100 (clean): lowered by its security events, recovering
    with time. Read by abuse detection to block sooner."""

    ip = models.GenericIPAddressField(primary_key=True)
    score = models.PositiveSmallIntegerField(default=100)
    events = models.PositiveIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["score"], name="security_reputation_score_idx")]

    def __str__(self) -> str:
        return f"{self.ip}: {self.score}"


class AuditRecord(models.Model):
    """A security-relevant or administrative action, append-only and chained:
    `record_hash` = SHA-256(previous_hash + canonical JSON of the fields). `verify-audit` recomputes the chain
    and names the first edited, inserted or removed record. On PostgreSQL a trigger refuses UPDATE and DELETE."""

    sequence = models.BigIntegerField(primary_key=True)
    id = models.UUIDField(default=uuid7, unique=True, editable=False)
    occurred_at = models.DateTimeField()
    actor_id = models.UUIDField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True, default="")
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.CharField(max_length=100, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=200, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["occurred_at"], name="security_audit_time_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="security_audit_actor_idx"),
            models.Index(fields=["action", "occurred_at"], name="security_audit_action_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="security_audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The single row each append locks: the chain's last sequence and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_sequence}"


class DataExport(PublicModel):
    """A user's request for all their data as JSON: built by a task into storage, downloadable until expiry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    storage_key = models.CharField(max_length=300, blank=True, default="")
    size_bytes = models.PositiveBigIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.id}: {self.status}"


class DeletionRequest(PublicModel):
    """A user's request to be forgotten, reviewed by a platform admin: approved requests anonymise personal data
    through every app's registered anonymiser, keeping what the law requires (financial records, 7 years)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, default="")
    blockers = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "approved"]),
                name="security_deletion_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"deletion {self.id}: {self.status}"


class ConsentRecord(models.Model):
    """A user's consent given or withdrawn for one purpose and version of its text; append-only, latest wins."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    granted = models.BooleanField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "purpose", "created_at"], name="security_consent_user_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.version}: {self.granted}"


class ModerationCase(PublicModel):
    """Content someone flagged (a review, a message, a lesson, an AI answer), waiting for a moderator: keep it,
    or remove it through the owning app's registered handler."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        REMOVED = "removed", _("Removed")

    source = models.CharField(max_length=64)
    object_id = models.CharField(max_length=100)
    excerpt = models.TextField(blank=True, default="")
    reason = models.CharField(max_length=300)
    reporter_id = models.UUIDField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id"], condition=Q(status="open"), name="security_moderation_one_open"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="security_moderation_status_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}: {self.status}"
