"""Constitutional AI's tables: constitution versions, organisations' profiles, and the hash-chained decisions audit."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.shared.ids import uuid7
from azora.shared.models import PublicModel

GENESIS_HASH = "0" * 64


class ProfileChoice(models.TextChoices):
    STRICT = "STRICT", _("Strict")
    STANDARD = "STANDARD", _("Standard")
    LENIENT = "LENIENT", _("Lenient")
    DEVELOPMENT = "DEVELOPMENT", _("Development")


class VersionOrigin(models.TextChoices):
    REPO = "repo", _("Repository file")
    ADMIN = "admin", _("Edited by an admin")


class ConstitutionVersion(PublicModel):
    """One version of the constitution (its YAML and where it came from); the highest `number` is current.

    Append-only: an admin's edit is saved as a new version (admin.py), so the history is every row.
    """

    number = models.PositiveIntegerField(unique=True, verbose_name=_("number"))
    document_version = models.PositiveIntegerField(verbose_name=_("document version"))
    source = models.TextField(verbose_name=_("YAML source"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 of the source"))
    origin = models.CharField(max_length=10, choices=VersionOrigin.choices, verbose_name=_("origin"))
    note = models.CharField(max_length=300, blank=True, default="", verbose_name=_("note"))
    created_by_id = models.UUIDField(null=True, blank=True, verbose_name=_("created by (user id)"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("constitution version")
        verbose_name_plural = _("constitution versions")

    def __str__(self) -> str:
        return f"v{self.number} ({self.origin}, document version {self.document_version})"


class OrganisationPolicy(PublicModel):
    """The profile an organisation chose; organisations without a row use STANDARD."""

    organisation_id = models.UUIDField(unique=True, verbose_name=_("organisation id"))
    profile = models.CharField(
        max_length=12, choices=ProfileChoice.choices, default=ProfileChoice.STANDARD, verbose_name=_("profile")
    )
    updated_by_id = models.UUIDField(null=True, blank=True, verbose_name=_("updated by (user id)"))

    class Meta:
        verbose_name = _("organisation policy")
        verbose_name_plural = _("organisation policies")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.profile}"


class DecisionRecord(models.Model):
    """One decision of the constitution, append-only and chained: `record_hash` = SHA-256(previous_hash + fields).

    A record is written unsealed (no sequence, no hashes) and sealed into the chain right after (once the response
    has been sent, docs/decisions/0023), in a batch, by whichever writer holds the chain head's lock
    (services.decisions_seal); so writers never wait for each other.
    Texts are stored only when AZORA_CONSTITUTION_AUDIT_TEXTS allows (and then redacted); hashes always.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    sequence = models.BigIntegerField(unique=True, null=True, blank=True)  # None until sealed
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.UUIDField(null=True, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    surface = models.CharField(max_length=12)  # api | guard | critique
    purpose = models.CharField(max_length=40, blank=True, default="")
    role = models.CharField(max_length=6)  # input | output
    profile = models.CharField(max_length=12, choices=ProfileChoice.choices)
    action = models.CharField(max_length=8)  # allow | redact | revise | refuse
    score = models.DecimalField(max_digits=5, decimal_places=2)
    passed = models.BooleanField()
    would_block = models.BooleanField()
    violations = models.JSONField(default=list)  # principle ids
    findings = models.JSONField(default=list)  # detector, principle, severity, message (never the matched text)
    input_sha256 = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64)
    # None: not kept (AZORA_CONSTITUTION_AUDIT_TEXTS); "" is an empty text that was kept.
    input_text = models.TextField(null=True, blank=True)  # noqa: DJ001 -- None and "" mean different things
    output_text = models.TextField(null=True, blank=True)  # noqa: DJ001 -- as input_text
    latency_us = models.PositiveIntegerField()
    constitution_number = models.PositiveIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True, default="")  # "" until sealed
    record_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user_id", "created_at"], name="con_decision_user_idx"),
            models.Index(
                fields=["created_at", "id"], condition=models.Q(sequence__isnull=True), name="con_decision_unsealed_idx"
            ),
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.role} {self.action} ({self.score})"


class AuditChainHead(models.Model):
    """The single row every append locks: the chain's last record, and the anchor the purge leaves behind.

    `anchor_sequence`/`anchor_hash` are the sequence and hash of the last purged record (0 and the genesis hash
    before any purge), so the first kept record must follow them and the chain stays verifiable after a purge.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    anchor_sequence = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"chain head at #{self.last_sequence}"
