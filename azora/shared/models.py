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
