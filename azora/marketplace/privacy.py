"""Azora Marketplace's part of data protection: the person's profile, skills, listings, applications, messages,
contracts, reviews and disputes for their export; what an approved deletion clears; and what blocks one (an open
dispute, or a contract with money still in escrow).

Contracts, milestones and their amounts stay: they are financial records. The words a person wrote (cover
letters, messages, review texts, notes) are cleared; ratings and amounts remain.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from azora.marketplace.models import (
    Application,
    Contract,
    Dispute,
    Endorsement,
    Listing,
    Message,
    Milestone,
    Profile,
    Review,
    UserSkill,
)
from azora.marketplace.models.contracts import DisputeStatus, MilestoneStatus
from azora.security.public import export_rows, register_anonymiser, register_deletion_blocker, register_exporter

# Money sits in escrow (or is on its way there) in these states.
ESCROW_STATES = (MilestoneStatus.FUNDING, MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED, MilestoneStatus.DISPUTED)
REMOVED_TEXT = "[removed]"


def _party(user_id: uuid.UUID, prefix: str = "") -> Q:
    return Q(**{f"{prefix}client_id": user_id}) | Q(**{f"{prefix}seller_id": user_id})


def export_marketplace_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "profile": export_rows(
            Profile.objects.filter(user_id=user_id),
            [
                "headline",
                "bio",
                "location",
                "country",
                "is_remote_ok",
                "years_experience",
                "expected_pay_minor",
                "expected_pay_currency",
                "is_public",
            ],
        ),
        "skills": export_rows(
            UserSkill.objects.filter(user_id=user_id).order_by("skill__name"),
            ["skill__name", "level", "is_verified", "endorsement_count"],
        ),
        "endorsements_given": export_rows(
            Endorsement.objects.filter(endorser_id=user_id).order_by("-created_at"),
            ["user_skill__skill__name", "note", "created_at"],
        ),
        "listings": export_rows(
            Listing.objects.filter(poster_id=user_id).order_by("-created_at"),
            [
                "id",
                "kind",
                "title",
                "description",
                "status",
                "currency",
                "pay_min_minor",
                "pay_max_minor",
                "created_at",
            ],
        ),
        "applications": export_rows(
            Application.objects.filter(applicant_id=user_id).order_by("-created_at"),
            [
                "id",
                "listing__title",
                "cover_letter",
                "portfolio_links",
                "expected_pay_minor",
                "currency",
                "availability",
                "status",
                "created_at",
            ],
        ),
        "messages_sent": export_rows(
            Message.objects.filter(sender_id=user_id).order_by("-created_at"),
            ["application_id", "body", "created_at"],
        ),
        "contracts": export_rows(
            Contract.objects.filter(_party(user_id)).order_by("-created_at"),
            ["id", "listing__title", "client_id", "seller_id", "currency", "total_minor", "status", "created_at"],
        ),
        "reviews_written": export_rows(
            Review.objects.filter(author_id=user_id).order_by("-created_at"),
            ["contract_id", "rating", "text", "published_at"],
        ),
        "reviews_received": export_rows(
            Review.objects.filter(subject_id=user_id, published_at__isnull=False).order_by("-published_at"),
            ["contract_id", "rating", "text", "published_at"],
        ),
        "disputes_opened": export_rows(
            Dispute.objects.filter(opened_by_id=user_id).order_by("-created_at"),
            ["milestone_id", "reason", "status", "resolution", "created_at", "resolved_at"],
        ),
    }


def marketplace_deletion_blocker(user_id: uuid.UUID) -> str | None:
    if Dispute.objects.filter(_party(user_id, "milestone__contract__"), status=DisputeStatus.OPEN).exists():
        return _("You have an open dispute in the Marketplace: it must be resolved first.")
    in_escrow = Milestone.objects.filter(_party(user_id, "contract__"), status__in=ESCROW_STATES)
    if in_escrow.exists():
        return _("A Marketplace contract of yours has money in escrow: it must be released or refunded first.")
    return None


def anonymise_marketplace_data(user_id: uuid.UUID) -> None:
    Profile.objects.filter(user_id=user_id).delete()
    UserSkill.objects.filter(user_id=user_id).delete()
    Endorsement.objects.filter(endorser_id=user_id).update(note="")
    Listing.objects.filter(poster_id=user_id).update(poster_name="")
    Application.objects.filter(applicant_id=user_id).update(
        cover_letter=REMOVED_TEXT, portfolio_links=[], availability=""
    )
    Message.objects.filter(sender_id=user_id).update(body=REMOVED_TEXT)
    Review.objects.filter(author_id=user_id).update(text="")
    Milestone.objects.filter(contract__seller_id=user_id).update(submission_note="")
    Dispute.objects.filter(opened_by_id=user_id).update(reason=REMOVED_TEXT)


register_exporter("marketplace", export_marketplace_data)
register_anonymiser("marketplace", anonymise_marketplace_data)
register_deletion_blocker("marketplace", marketplace_deletion_blocker)
