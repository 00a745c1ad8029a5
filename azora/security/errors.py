"""Domain errors of Azora Aegis."""

from __future__ import annotations

from azora.shared.errors import Conflict, DomainError, NotFound, ValidationFailed


class RateLimited(DomainError):
    """Too many requests from one client, account or credential; `extra` carries retry_after (seconds)."""

    code = "rate_limited"
    status = 429
    title = "Too many requests."


class InvalidIpRule(ValidationFailed):
    """A CIDR that does not parse, an unknown action, an expiry in the past."""

    code = "invalid_ip_rule"
    title = "This IP rule cannot be saved."


class LockoutRefused(Conflict):
    """A deny rule would lock out every platform operator (or the operator saving it)."""

    code = "ip_rule_lockout"
    title = "This rule would lock out the platform's operators."


class IpRuleNotFound(NotFound):
    code = "ip_rule_not_found"
    title = "No such IP rule."


class RequestBlocked(DomainError):
    code = "request_blocked"
    status = 403
    title = "Requests from your address are blocked."


class DeletionBlocked(Conflict):
    """A deletion request cannot go ahead yet; `extra["blockers"]` lists why (an open dispute, ...)."""

    code = "deletion_blocked"
    title = "Your account cannot be deleted yet."


class DeletionRequestOpen(Conflict):
    code = "deletion_request_open"
    title = "A deletion request is already open."


class DeletionRequestNotFound(NotFound):
    code = "deletion_request_not_found"
    title = "No such deletion request."


class DataExportNotFound(NotFound):
    code = "data_export_not_found"
    title = "No such data export."


class ModerationCaseNotFound(NotFound):
    code = "moderation_case_not_found"
    title = "No such moderation case."


class ModerationCaseClosed(Conflict):
    code = "moderation_case_closed"
    title = "This case was already decided."


class InvalidSecurityEventFilter(ValidationFailed):
    """A security-event list filter that names an unknown kind or severity, or an address that does not parse."""

    code = "invalid_event_filter"
    title = "The security event filters are not valid."


class InvalidModerationFlag(ValidationFailed):
    """A flag naming an unknown source, no item, or no reason (or a case list with an unknown status)."""

    code = "invalid_moderation_flag"
    title = "This report cannot be saved."


class ModerationContentNotFound(NotFound):
    """The flagged item does not exist, or the reporter cannot see it."""

    code = "moderation_content_not_found"
    title = "No such content to report."


class ModerationFlagLimit(DomainError):
    """One person sent more reports in an hour than anyone reading in good faith would."""

    code = "moderation_flag_limit"
    status = 429
    title = "You have sent many reports in a short time. Try again later."


class InvalidModerationDecision(ValidationFailed):
    code = "invalid_moderation_decision"
    title = "This moderation decision cannot be saved."


class DeletionReviewInvalid(ValidationFailed):
    """A review that cannot be recorded as given (a rejection without a note)."""

    code = "invalid_deletion_review"
    title = "This review cannot be saved."


class InvalidConsent(ValidationFailed):
    """An unknown consent purpose or a malformed version of its text."""

    code = "invalid_consent"
    title = "This consent cannot be recorded."
