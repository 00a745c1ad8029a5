"""Tables of the API edge: the stored first response of each Idempotency-Key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """One caller's use of one Idempotency-Key: claimed while running, then the response to replay.

    The unique (scope, key) pair is the lock: whoever inserts the row first runs the request.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    scope = models.CharField(max_length=64, help_text="SHA-256 of the caller's credential identity.")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField(help_text="Path and query string of the first request.")
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the first request's body.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=list, blank=True)
    # Sealed with AES-GCM (gateway.sealing): a replayable body may hold a secret shown once.
    response_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="gateway_idempotency_scope_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.state})"
