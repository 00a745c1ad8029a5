"""The learner's consent to oversight: told once (per notice version) that their teachers can read their chats."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from azora.agents.models import OversightConsent


def consent_given(*, user_id: uuid.UUID, notice_version: int) -> bool:
    return OversightConsent.objects.filter(user_id=user_id, notice_version=notice_version).exists()


def consent_give(*, user_id: uuid.UUID, notice_version: int) -> None:
    """Record the consent; giving it again changes nothing (one row per user and notice version)."""
    if consent_given(user_id=user_id, notice_version=notice_version):
        return
    try:
        with transaction.atomic():
            OversightConsent.objects.create(user_id=user_id, notice_version=notice_version)
    except IntegrityError:
        # Given at the same moment by another request: the unique constraint kept one row.
        if not consent_given(user_id=user_id, notice_version=notice_version):
            raise
