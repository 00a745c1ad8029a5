"""AI Routing's domain errors; each becomes an RFC 9457 problem with a stable code at the API edge."""

from __future__ import annotations

from azora.shared.errors import DomainError, NotFound, PermissionDenied, ValidationFailed


class EmptyConversation(ValidationFailed):
    code = "ai_empty_conversation"
    title = "The conversation has no message to answer."


class UnknownProvider(ValidationFailed):
    code = "ai_unknown_provider"
    title = "No active AI provider has that name."


class ProviderSecretMissing(DomainError):
    code = "ai_provider_secret_missing"
    status = 503
    title = "The AI provider is not configured: its API key is not set on the server."


class ContextWindowExceeded(ValidationFailed):
    code = "ai_context_window_exceeded"
    title = "The conversation is longer than any available model can read."


class BudgetExceeded(DomainError):
    code = "ai_budget_exceeded"
    status = 402
    title = "The monthly AI budget would be exceeded by this request."


class RateLimited(DomainError):
    code = "ai_rate_limited"
    status = 429
    title = "Too many AI requests; try again in a minute."


class ProvidersUnavailable(DomainError):
    code = "ai_unavailable"
    status = 503
    title = "No AI provider could answer right now."


class GuardMissing(DomainError):
    code = "ai_guard_missing"
    status = 503
    title = "AI is unavailable: no constitution guard is installed."


class AiAdminRequired(PermissionDenied):
    code = "ai_admin_required"
    title = "Only platform administrators may do that."


class BudgetNotFound(NotFound):
    code = "ai_budget_not_found"
    title = "The budget does not exist."


class InvalidBudget(ValidationFailed):
    code = "ai_invalid_budget"
    title = "The budget is not valid."


__all__ = [
    "AiAdminRequired",
    "BudgetExceeded",
    "BudgetNotFound",
    "ContextWindowExceeded",
    "EmptyConversation",
    "GuardMissing",
    "InvalidBudget",
    "ProviderSecretMissing",
    "ProvidersUnavailable",
    "RateLimited",
    "UnknownProvider",
]
