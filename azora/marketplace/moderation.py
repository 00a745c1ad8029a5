"""Azora Marketplace's moderation hooks: reviews and application messages can be reported, and a moderator's
"remove" hides them (the flagged text stays in the moderation case as evidence)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext

import azora.security.public as security
from azora.marketplace.errors import ApplicationNotFound
from azora.marketplace.models import Message, Review
from azora.marketplace.selectors.applications import application_for_viewer

REVIEW_SOURCE = "marketplace.review"
MESSAGE_SOURCE = "marketplace.message"
# A removed review is taken out of publication for good: the publishing job only looks at reviews due before now.
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _uuid(object_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(object_id)
    except ValueError:
        return None


def removed_text() -> str:
    return gettext("[Removed by a moderator]")


def review_excerpt(object_id: str, reporter_id: uuid.UUID | None) -> str | None:
    """A published review for anyone; an unpublished one only for its author and subject."""
    review_id = _uuid(object_id)
    review = Review.objects.filter(pk=review_id).first() if review_id else None
    if review is None:
        return None
    if review.published_at is None and reporter_id not in (review.author_id, review.subject_id):
        return None
    return f"{review.rating}/5: {review.text}"


def review_apply(object_id: str, decision: security.Decision) -> None:
    """Remove: out of the profile and the ratings (unpublished for good), its text replaced for both sides."""
    if decision != "remove":
        return
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=object_id)
        review.published_at = None
        review.publish_after = NEVER
        review.text = removed_text()
        review.save(update_fields=["published_at", "publish_after", "text", "updated_at"])


def message_excerpt(object_id: str, reporter_id: uuid.UUID | None) -> str | None:
    """A message for the people in its thread only: nobody else can report, or learn of, a private message."""
    message_id = _uuid(object_id)
    message = Message.objects.filter(pk=message_id).first() if message_id else None
    if message is None or reporter_id is None:
        return None
    try:
        application_for_viewer(viewer_id=reporter_id, application_id=message.application_id)
    except ApplicationNotFound:
        return None
    return message.body


def message_apply(object_id: str, decision: security.Decision) -> None:
    if decision != "remove":
        return
    Message.objects.filter(pk=object_id).update(body=removed_text())


security.register_moderation_handler(REVIEW_SOURCE, review_apply, excerpt=review_excerpt)
security.register_moderation_handler(MESSAGE_SOURCE, message_apply, excerpt=message_excerpt)
