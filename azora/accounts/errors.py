"""The Auth Service's domain errors; each carries a stable code the API edge turns into a problem response."""

from __future__ import annotations

from azora.shared.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


class ProfileInvalid(ValidationFailed):
    code = "profile_invalid"
    title = "The profile is not valid."


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"
    title = "The credential lacks the scope this action needs."


class UserPrincipalRequired(PermissionDenied):
    code = "user_required"
    title = "This action needs a signed-in user, not an organisation key."


class OrganisationSlugTaken(Conflict):
    code = "organisation_slug_taken"
    title = "An organisation with that slug already exists."


class OrganisationInvalid(ValidationFailed):
    code = "organisation_invalid"
    title = "The organisation is not valid."


class OrganisationRoleRequired(PermissionDenied):
    code = "organisation_role_required"
    title = "Your role in this organisation does not allow that."


class PlatformAdminRequired(PermissionDenied):
    code = "platform_admin_required"
    title = "Only platform admins may do that."


class LastOwner(Conflict):
    code = "last_owner"
    title = "An organisation must keep at least one owner."


class AlreadyMember(Conflict):
    code = "already_member"
    title = "That person is already a member of the organisation."


class InvitationInvalid(ValidationFailed):
    code = "invitation_invalid"
    title = "The invitation is not valid."


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    title = "No invitation matches that token."


class InvitationExpired(DomainError):
    code = "invitation_expired"
    status = 410
    title = "The invitation has expired."


class InvitationRevoked(DomainError):
    code = "invitation_revoked"
    status = 410
    title = "The invitation was withdrawn."


class InvitationAlreadyUsed(Conflict):
    code = "invitation_already_used"
    title = "The invitation has already been accepted."


class InvitationEmailMismatch(PermissionDenied):
    code = "invitation_email_mismatch"
    title = "The invitation was sent to another email address."


class ApiKeyInvalid(ValidationFailed):
    code = "api_key_invalid"
    title = "The API key request is not valid."


class PlatformRoleInvalid(ValidationFailed):
    code = "platform_role_invalid"
    title = "No such platform role."


class OperatorReasonRequired(ValidationFailed):
    code = "reason_required"
    title = "Give a reason for this action; it is kept in the audit trail."


class OperatorActionOnSelf(Conflict):
    code = "operator_action_on_self"
    title = "An operator cannot suspend or demote themselves."


class LastPlatformAdmin(Conflict):
    code = "last_platform_admin"
    title = "The platform must keep at least one active platform admin."
