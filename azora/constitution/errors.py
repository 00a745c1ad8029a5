"""Constitutional AI's domain errors: each maps to an RFC 9457 problem with a stable code at the API edge."""

from __future__ import annotations

from azora.shared.errors import NotFound, PermissionDenied, ValidationFailed


class ConstitutionInvalid(ValidationFailed):
    code = "constitution_invalid"
    title = "The constitution document is not valid."


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"
    title = "No organisation with that id is yours."


class AuditReviewDenied(PermissionDenied):
    code = "audit_review_denied"
    title = "Only platform admins may review the constitution's decisions."
