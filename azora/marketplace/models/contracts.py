"""Contracts from accepted gig proposals, their milestones held in escrow on the ledger, and disputes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.marketplace.models.applications import Application
from azora.marketplace.models.listings import Listing
from azora.shared.models import PublicModel

__all__ = [
    "Contract",
    "ContractStatus",
    "Dispute",
    "DisputeResolution",
    "DisputeStatus",
    "FundingSource",
    "Milestone",
    "MilestoneStatus",
]


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELED = "canceled", _("Canceled")


class Contract(PublicModel):
    """The agreement made when a client accepts a gig proposal. `fee_bp` is the marketplace fee (basis points) at
    that moment, so a later change of the setting never changes a contract in progress."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="contract")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="contracts")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=8)
    total_minor = models.BigIntegerField()
    fee_bp = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["client", "-id"], name="market_contract_client_idx"),
            models.Index(fields=["seller", "-id"], name="market_contract_seller_idx"),
        ]


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Not funded")
    FUNDING = "funding", _("Payment in progress")
    FUNDED = "funded", _("Held in escrow")
    SUBMITTED = "submitted", _("Work submitted")
    DISPUTED = "disputed", _("Disputed")
    RELEASED = "released", _("Released")
    REFUNDED = "refunded", _("Refunded")
    SPLIT = "split", _("Split after a dispute")
    CANCELED = "canceled", _("Canceled")


class FundingSource(models.TextChoices):
    CARD = "card", _("Card")
    WALLET = "wallet", _("Wallet balance")


class Milestone(PublicModel):
    """One milestone of a contract. Funded = a pending ledger transfer from the client's wallet (the hold,
    `hold_transfer_id`); released = that hold posted to the seller's earnings and the fee; refunded = voided."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=160)
    amount_minor = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING)
    funding_source = models.CharField(max_length=8, choices=FundingSource.choices, blank=True, default="")
    payment_intent_id = models.UUIDField(null=True, blank=True, unique=True)
    hold_transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    settlement_transfer_id = models.UUIDField(null=True, blank=True)  # a split's posting after the void
    fee_minor = models.BigIntegerField(default=0)
    funded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_note = models.TextField(blank=True, default="")
    auto_release_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="market_milestone_position"),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="market_milestone_positive"),
        ]
        indexes = [models.Index(fields=["status", "auto_release_at"], name="market_milestone_release_idx")]


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class DisputeResolution(models.TextChoices):
    RELEASE = "release", _("Released to the seller")
    REFUND = "refund", _("Refunded to the client")
    SPLIT = "split", _("Split between both")


class Dispute(PublicModel):
    """A client's (or seller's) objection to a milestone, decided by a platform admin; the decision is recorded
    with the ledger transfer that carried it out."""

    milestone = models.OneToOneField(Milestone, on_delete=models.CASCADE, related_name="dispute")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution = models.CharField(max_length=12, choices=DisputeResolution.choices, blank=True, default="")
    seller_amount_minor = models.BigIntegerField(null=True, blank=True)  # what the seller got (before the fee)
    decision_note = models.TextField(blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="market_dispute_open_idx")]
