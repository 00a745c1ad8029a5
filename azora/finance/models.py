"""The ledger's tables: accounts (with cached totals), transfers (journal entries) and append-only postings."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q

from azora.shared.models import PublicModel, TimeStampedModel


class Account(PublicModel):
    """A ledger account of a user, an organisation or the platform, in one currency.

    The four totals cache the sums of its postings (see docs/decisions/0009-ledger-design.md); they change only in
    the transaction that writes or settles those postings, with the row locked, and `reconcile` checks them.
    """

    class OwnerType(models.TextChoices):
        USER = "user", "User"
        ORGANISATION = "organisation", "Organisation"
        PLATFORM = "platform", "Platform"

    class Kind(models.TextChoices):
        ASSET = "asset", "Asset"
        LIABILITY = "liability", "Liability"
        INCOME = "income", "Income"
        EXPENSE = "expense", "Expense"
        EQUITY = "equity", "Equity"

    owner_type = models.CharField(max_length=16, choices=OwnerType.choices)
    owner_id = models.UUIDField(null=True, blank=True)
    code = models.CharField(max_length=64)
    currency = models.CharField(max_length=8)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    may_go_negative = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    posted_debits = models.BigIntegerField(default=0)
    posted_credits = models.BigIntegerField(default=0)
    pending_debits = models.BigIntegerField(default=0)
    pending_credits = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id", "code", "currency"], name="finance_account_uniq"),
            # Platform accounts have no owner id, and NULLs are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["owner_type", "code", "currency"],
                condition=Q(owner_id__isnull=True),
                name="finance_account_uniq_no_owner",
            ),
            models.CheckConstraint(
                condition=Q(owner_type="platform", owner_id__isnull=True) | Q(owner_id__isnull=False),
                name="finance_account_owner",
            ),
            models.CheckConstraint(
                condition=Q(posted_debits__gte=0, posted_credits__gte=0, pending_debits__gte=0, pending_credits__gte=0),
                name="finance_account_totals_nonneg",
            ),
        ]
        indexes = [models.Index(fields=["owner_id", "owner_type"], name="finance_account_owner_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in {self.Kind.ASSET, self.Kind.EXPENSE}

    def normal_balance(self, debits: int, credits: int) -> int:
        return debits - credits if self.is_debit_normal else credits - debits

    @property
    def posted_balance(self) -> int:
        return self.normal_balance(self.posted_debits, self.posted_credits)

    @property
    def held(self) -> int:
        """Pending amounts on the side that lowers the balance; pending increases are not spendable yet."""
        return self.pending_credits if self.is_debit_normal else self.pending_debits

    @property
    def available_balance(self) -> int:
        return self.posted_balance - self.held


class Transfer(models.Model):
    """A balanced journal entry with a caller-supplied id. Only its status (and when it changed) ever changes."""

    class Status(models.TextChoices):
        POSTED = "posted", "Posted"
        PENDING = "pending", "Pending"
        VOIDED = "voided", "Voided"

    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)
    reference = models.CharField(max_length=200, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    is_two_phase = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    # SHA-256 of the request's content: the same id with another fingerprint is a reused id.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="finance_transfer_reason_required"),
            models.CheckConstraint(
                condition=Q(status__in=["posted", "pending", "voided"]), name="finance_transfer_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="finance_transfer_pending_idx"),
            models.Index(fields=["kind", "created_at"], name="finance_transfer_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"


class Posting(models.Model):
    """One leg of a transfer. Append-only: written once, never updated or deleted (a trigger on PostgreSQL).

    `phase` says when it counts: a "posted" posting counts in the posted totals from the moment it is written; a
    "pending" one counts as held while its transfer is pending. Settling a hold writes its "posted" twins.
    """

    class Side(models.TextChoices):
        DEBIT = "debit", "Debit"
        CREDIT = "credit", "Credit"

    class Phase(models.TextChoices):
        PENDING = "pending", "Pending"
        POSTED = "posted", "Posted"

    id = models.BigAutoField(primary_key=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    side = models.CharField(max_length=8, choices=Side.choices)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    phase = models.CharField(max_length=8, choices=Phase.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_posting_amount_positive"),
            models.CheckConstraint(condition=Q(side__in=["debit", "credit"]), name="finance_posting_side_valid"),
            models.CheckConstraint(condition=Q(phase__in=["pending", "posted"]), name="finance_posting_phase_valid"),
        ]
        indexes = [
            models.Index(fields=["account", "phase", "id"], name="finance_posting_account_idx"),
            models.Index(fields=["account", "created_at"], name="finance_posting_account_time"),
        ]
        triggers = [
            pgtrigger.Protect(name="finance_posting_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.amount} {self.currency} ({self.phase})"


class Payout(PublicModel):
    """A user's request to be paid their released earnings to a bank account, and what became of it.

    The amount is held (a pending transfer earnings -> "payouts:<provider>") from the request on; the provider's
    answer settles the hold (paid) or voids it (failed: the funds return). Only the destination's label (bank and
    last four digits) is kept, never the full account number.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    user_id = models.UUIDField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=32)
    provider_ref = models.CharField(max_length=200, blank=True, default="")
    destination_label = models.CharField(max_length=100)
    # HMAC of the request's content (with the destination's number): the same id with other content is refused.
    fingerprint = models.CharField(max_length=64)
    earnings_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    hold_transfer_id = models.UUIDField(unique=True)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The id is the caller's (any UUID, for idempotency), so time orders the list, with the id breaking ties.
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="finance_payout_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["pending", "paid", "failed"]), name="finance_payout_status"),
        ]
        indexes = [
            models.Index(fields=["user_id", "created_at", "id"], name="finance_payout_user_idx"),
            models.Index(fields=["status", "updated_at"], name="finance_payout_status_idx"),
        ]

    def __str__(self) -> str:
        return f"payout {self.id} {self.amount_minor} {self.currency} ({self.status})"


class SandboxPayout(TimeStampedModel):
    """The sandbox payout provider's record of a payout, as a real provider keeps it on its side."""

    id = models.CharField(primary_key=True, max_length=64)
    reference = models.CharField(max_length=64, unique=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    account_last4 = models.CharField(max_length=4)

    def __str__(self) -> str:
        return f"{self.id} {self.status}"
