"""Azora Marketplace's domain errors (append-only; each area adds its own section)."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

__all__ = [
    "AlreadyApplied",
    "AlreadyEndorsed",
    "AlreadyReviewed",
    "ApplicationInvalid",
    "ApplicationNotFound",
    "ContractNotActive",
    "ContractNotEnded",
    "ContractNotFound",
    "ContractNotPossible",
    "DisputeNotFound",
    "DisputeNotOpen",
    "DisputesAdminOnly",
    "EndorseSelf",
    "EndorsementRateLimited",
    "FundingInvalid",
    "ListingInvalid",
    "ListingNotEditable",
    "ListingNotFound",
    "ListingNotOpen",
    "MessageInvalid",
    "MilestoneNotFound",
    "MilestoneStateInvalid",
    "NotAParty",
    "OwnListing",
    "ProfileInvalid",
    "ProfileNotFound",
    "RatingInvalid",
    "ReasonRequired",
    "ResolutionInvalid",
    "ReviewRejected",
    "SkillInvalid",
    "SkillNotFound",
    "SplitInvalid",
    "TransitionNotAllowed",
    "WalletBalanceTooLow",
]

# --- Skills and profiles ---


class SkillNotFound(NotFound):
    code = "skill_not_found"
    title = "Skill not found."


class SkillInvalid(ValidationFailed):
    code = "skill_invalid"
    title = "The skill is not valid."


class EndorseSelf(ValidationFailed):
    code = "endorse_self"
    title = "You cannot endorse your own skills."


class AlreadyEndorsed(Conflict):
    code = "already_endorsed"
    title = "You have already endorsed this skill of this person."


class EndorsementRateLimited(Conflict):
    code = "endorsement_rate_limited"
    title = "You have endorsed too many skills recently; try again later."
    status = 429


class ProfileNotFound(NotFound):
    code = "profile_not_found"
    title = "Profile not found."


class ProfileInvalid(ValidationFailed):
    code = "profile_invalid"
    title = "The profile is not valid."


# --- Listings ---


class ListingNotFound(NotFound):
    code = "listing_not_found"
    title = "Listing not found."


class ListingInvalid(ValidationFailed):
    code = "listing_invalid"
    title = "The listing is not valid."


class ListingNotEditable(Conflict):
    code = "listing_not_editable"
    title = "This listing cannot be changed in its current status."


class ListingNotOpen(Conflict):
    code = "listing_not_open"
    title = "This listing is not open for applications."


# --- Applications ---


class ApplicationNotFound(NotFound):
    code = "application_not_found"
    title = "Application not found."


class AlreadyApplied(Conflict):
    code = "already_applied"
    title = "You have already applied to this listing."


class OwnListing(Conflict):
    code = "own_listing"
    title = "You cannot apply to your own listing."


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    title = "That status change is not allowed from the current status."


class NotAParty(PermissionDenied):
    code = "not_a_party"
    title = "Only the other party can do that."


class ApplicationInvalid(ValidationFailed):
    code = "application_invalid"
    title = "The application is not valid."


class MessageInvalid(ValidationFailed):
    code = "message_invalid"
    title = "The message is not valid."


# --- Contracts, escrow and disputes ---


class ContractNotFound(NotFound):
    code = "contract_not_found"
    title = "Contract not found."


class MilestoneNotFound(NotFound):
    code = "milestone_not_found"
    title = "Milestone not found."


class MilestoneStateInvalid(Conflict):
    code = "milestone_state_invalid"
    title = "That is not possible in the milestone's current state."


class WalletBalanceTooLow(Conflict):
    code = "wallet_balance_too_low"
    title = "Your wallet's available balance does not cover this milestone."
    status = 422


class DisputeNotFound(NotFound):
    code = "dispute_not_found"
    title = "Dispute not found."


class DisputeNotOpen(Conflict):
    code = "dispute_not_open"
    title = "This dispute is already resolved."


class SplitInvalid(ValidationFailed):
    code = "split_invalid"
    title = "A split gives the seller more than nothing and less than the whole milestone."


# --- Reviews ---


class ContractNotEnded(Conflict):
    code = "contract_not_ended"
    title = "Reviews open when the contract has ended."


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    title = "You have already reviewed this contract."


class ReviewRejected(ValidationFailed):
    code = "review_rejected"
    title = "The review's text breaks the community rules."


# --- Contracts and escrow, more ---


class ContractNotActive(Conflict):
    code = "contract_not_active"
    title = "The contract has ended; nothing more can be done on it."


class ContractNotPossible(Conflict):
    code = "contract_not_possible"
    title = "Only an accepted gig proposal becomes a contract."


class FundingInvalid(ValidationFailed):
    code = "funding_invalid"
    title = "Fund a milestone from your wallet, or by card with a card or a saved card."


class ReasonRequired(ValidationFailed):
    code = "reason_required"
    title = "Say why, in a few words (at most 5,000 characters)."


class DisputesAdminOnly(PermissionDenied):
    code = "disputes_admin_only"
    title = "Only platform admins see and decide disputes."


class ResolutionInvalid(ValidationFailed):
    code = "resolution_invalid"
    title = "A dispute is resolved as release, refund or split."


class RatingInvalid(ValidationFailed):
    code = "rating_invalid"
    title = "A rating is a whole number from 1 to 5."
