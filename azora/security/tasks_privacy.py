"""Aegis's background tasks for data protection: building a user's data export after the request commits."""

from __future__ import annotations

import uuid

from django.tasks import task

from azora.security import data_protection


@task()
def build_data_export_task(export_id: str) -> str:
    """Takes the export id only and re-reads it; running it twice builds the file once."""
    return data_protection.export_build(export_id=uuid.UUID(export_id))
