"""Education tables for certificates: each issued credential as signed, and the audited record of its revocation."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models

from azora.shared.models import PublicModel

__all__ = ["Certificate", "CertificateRevocation"]


class Certificate(PublicModel):
    """A course certificate: an Open Badges 3.0 credential, its signed JWT, and the facts it certifies.

    One per enrolment (the unique key makes issuing idempotent). The credential is immutable once signed;
    `credential` is a readable copy of the signed claims, `signed_jwt` is the proof.
    """

    enrollment = models.OneToOneField("education.Enrollment", on_delete=models.CASCADE, related_name="certificate")
    course = models.ForeignKey("education.Course", on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    skills = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    credential = models.JSONField()
    signed_jwt = models.TextField()
    kid = models.CharField(max_length=64)
    # This certificate's bit in the revocation status list (W3C Bitstring Status List), drawn at random so
    # that a list reveals nothing about who holds which position; null for certificates issued without one.
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-issued_at"], name="edu_certificate_user_idx"),
            models.Index(fields=["course"], name="edu_certificate_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} — {self.learner_name}"


class CertificateRevocation(models.Model):
    """Who revoked a certificate, when and why: the audit record, written once and never changed."""

    id = models.BigAutoField(primary_key=True)
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="revocation")
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        triggers = [
            # Append-only on PostgreSQL: a revocation is an audit record; deletes follow the certificate only.
            pgtrigger.Protect(name="edu_cert_revocation_no_update", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"Revocation of {self.certificate_id}"
