"""Shared model bases (timestamps, UUIDv7 keys) and the tables Shared Services owns."""

from __future__ import annotations

from django.db import models

from azora.shared.ids import uuid7


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A table whose rows are referenced publicly: a UUIDv7 primary key, never a sequence."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        abstract = True


class OutboxEvent(models.Model):
    """A published domain event, written in the publisher's transaction and dispatched to subscribers after commit.

    Append-only apart from its dispatch status; rows that were dispatched are pruned after a retention period.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DISPATCHED = "dispatched", "Dispatched"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    event_type = models.CharField(max_length=200)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()
    request_id = models.CharField(max_length=200, blank=True, default="")
    trace_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "occurred_at"], name="shared_outbox_status_idx"),
            models.Index(fields=["event_type", "occurred_at"], name="shared_outbox_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class EventDelivery(TimeStampedModel):
    """The delivery of one outbox event to one subscriber: attempts, the last error and when to try again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        HANDLED = "handled", "Handled"
        DEAD = "dead", "Dead"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempted_at = models.DateTimeField(null=True, blank=True)
    last_error_class = models.CharField(max_length=300, blank=True, default="")
    last_error_message = models.TextField(blank=True, default="")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "subscriber_name"]
        verbose_name_plural = "event deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber_name"], name="shared_delivery_unique_subscriber"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="shared_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.subscriber_name} <- {self.event_id}"


class HandledEvent(models.Model):
    """Proof that a subscriber handled an event, inserted in the handler's own transaction: the dedupe key."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="handled_by")
    subscriber_name = models.CharField(max_length=200)
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber_name", "event"], name="shared_handled_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_name} handled {self.event_id}"


class PeriodicJobRun(models.Model):
    """One claimed run of a periodic job; the unique (job, slot) pair is the lock that makes each run happen once."""

    job_name = models.CharField(max_length=200)
    slot_start = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-slot_start", "job_name"]
        constraints = [
            models.UniqueConstraint(fields=["job_name", "slot_start"], name="shared_periodic_run_once_per_slot"),
        ]
        indexes = [models.Index(fields=["slot_start"], name="shared_periodic_slot_idx")]

    def __str__(self) -> str:
        return f"{self.job_name} @ {self.slot_start.isoformat()}"
