"""Constitutional AI's /api/v1/constitution endpoints: validate a text, read the constitution, review decisions."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

import azora.accounts.public as accounts
from azora.accounts.public import Principal, request_principal
from azora.constitution import public as constitution
from azora.constitution import selectors, services
from azora.constitution.errors import AuditReviewDenied, OrganisationNotFound
from azora.constitution.policy import PASS_SCORE, PROFILES
from azora.constitution.schemas import (
    ChainReportOut,
    CheckOut,
    ConstitutionOut,
    DecisionOut,
    DecisionPageOut,
    DecisionQuery,
    FindingOut,
    HazardCategoryOut,
    OrganisationProfileIn,
    OrganisationProfileOut,
    PrincipleOut,
    ProfileOut,
    ValidateIn,
    ValidateOut,
)

router = Router(tags=["constitution"])

# Organisation roles that may choose the organisation's profile.
PROFILE_MANAGER_ROLES = accounts.ORGANISATION_MANAGER_ROLES
# API keys reach the constitution only with these scopes (no key scope grants them today: sessions and tokens do).
VALIDATE_SCOPE = "constitution:validate"
REVIEW_SCOPE = "constitution:review"
PROFILE_SCOPE = "constitution:profile"


def _principal(request: HttpRequest, scope: str) -> Principal:
    """The authenticated caller (set by the gateway's auth classes), holding `scope`."""
    return request_principal(request, scope=scope)


def _member_of(principal: Principal, organisation_id: uuid.UUID) -> bool:
    if principal.organisation_id == organisation_id:
        return True
    if principal.user_id is None:
        return False
    return accounts.organisation_role_of(user_id=principal.user_id, organisation_id=organisation_id) is not None


@router.post(
    "/validate", response=ValidateOut, summary="Check a text against the constitution (the decision is audited)"
)
def validate(request: HttpRequest, payload: ValidateIn) -> ValidateOut:
    principal = _principal(request, VALIDATE_SCOPE)
    organisation_id = payload.context.organisation_id or principal.organisation_id
    if payload.context.organisation_id is not None and not _member_of(principal, payload.context.organisation_id):
        raise OrganisationNotFound()
    result = constitution.text_validate(
        text=payload.text,
        role=payload.role,
        user_id=principal.user_id,
        organisation_id=organisation_id,
        as_minor=payload.context.is_minor,
        provider_is_external=payload.context.provider_is_external,
        profile=payload.profile,
        purpose=payload.context.purpose,
        request_id=str(getattr(request, "request_id", "")),
    )
    return ValidateOut(
        decision_id=result.decision_id,
        decision=result.action.value,
        score=result.score,
        passed=result.passed,
        would_block=result.would_block,
        profile=result.profile.value,
        role=result.role.value,
        violations=list(result.violations),
        warnings=list(result.warnings),
        findings=[_finding(f) for f in result.findings],
        redacted_text=result.redacted_text,
    )


def _finding(finding: constitution.FindingView) -> FindingOut:
    return FindingOut(
        detector=finding.detector,
        principle=finding.principle,
        severity=finding.severity,
        start=finding.start,
        end=finding.end,
        message=finding.message,
    )


@router.get("", response=ConstitutionOut, summary="The current constitution: principles, checks and profiles")
def constitution_get(request: HttpRequest) -> ConstitutionOut:
    current = constitution.constitution_current()
    return ConstitutionOut(
        number=current.number,
        document_version=current.document_version,
        title=current.title,
        origin=current.origin,
        sha256=current.sha256,
        created_at=current.created_at,
        pass_score=PASS_SCORE,
        principles=[
            PrincipleOut(
                id=p.id,
                title=p.title,
                text=p.text,
                weight=p.weight,
                checks=[CheckOut(kind=c.kind, name=c.name, description=c.description) for c in p.checks],
                hazard_categories=[HazardCategoryOut(id=h.id, description=h.description) for h in p.hazard_categories],
            )
            for p in current.principles
        ],
        profiles=[
            ProfileOut(
                name=name.value,
                min_score=t.min_score,
                harm_threshold=t.harm_threshold,
                enforcement=t.enforcement.value,
            )
            for name, t in PROFILES.items()
        ],
    )


def _require_reviewer(request: HttpRequest) -> None:
    principal = _principal(request, REVIEW_SCOPE)
    if principal.user_id is None or not accounts.user_has_platform_role(
        user_id=principal.user_id, role="platform_admin"
    ):
        raise AuditReviewDenied()


@router.get("/decisions", response=DecisionPageOut, summary="The decisions audit, newest first (platform admins)")
def decision_list(request: HttpRequest, filters: Query[DecisionQuery]) -> DecisionPageOut:
    _require_reviewer(request)
    page = selectors.decision_page(
        cursor=filters.cursor,
        limit=filters.limit,
        action=filters.action,
        role=filters.role,
        user_id=filters.user_id,
        principle=filters.principle,
    )
    return DecisionPageOut(
        items=[
            DecisionOut(
                id=d.id,
                sequence=d.sequence,
                created_at=d.created_at,
                user_id=d.user_id,
                organisation_id=d.organisation_id,
                request_id=d.request_id,
                surface=d.surface,
                purpose=d.purpose,
                role=d.role,
                profile=d.profile,
                action=d.action,
                score=float(d.score),
                passed=d.passed,
                would_block=d.would_block,
                violations=list(d.violations),
                findings=[_finding(f) for f in d.findings],
                input_sha256=d.input_sha256,
                output_sha256=d.output_sha256,
                input_text=d.input_text,
                output_text=d.output_text,
                latency_us=d.latency_us,
                constitution_number=d.constitution_number,
                record_hash=d.record_hash,
            )
            for d in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/organisations/{organisation_id}/profile",
    response=OrganisationProfileOut,
    summary="The profile an organisation's AI features run under (members)",
)
def organisation_profile_get(request: HttpRequest, organisation_id: uuid.UUID) -> OrganisationProfileOut:
    principal = _principal(request, PROFILE_SCOPE)
    if not _member_of(principal, organisation_id):
        raise OrganisationNotFound()
    chosen = selectors.organisation_policy(organisation_id=organisation_id)
    return OrganisationProfileOut(
        organisation_id=organisation_id,
        profile=(chosen or selectors.organisation_profile(organisation_id=None)).value,
        is_default=chosen is None,
    )


@router.put(
    "/organisations/{organisation_id}/profile",
    response=OrganisationProfileOut,
    summary="Choose the organisation's profile (owners and admins; learners under 18 stay STRICT)",
)
def organisation_profile_put(
    request: HttpRequest, organisation_id: uuid.UUID, payload: OrganisationProfileIn
) -> OrganisationProfileOut:
    principal = _principal(request, PROFILE_SCOPE)
    accounts.require_organisation_role(
        principal=principal, organisation_id=organisation_id, roles=PROFILE_MANAGER_ROLES
    )
    profile = services.organisation_profile_set(
        organisation_id=organisation_id, profile=payload.profile, by_user_id=principal.user_id
    )
    return OrganisationProfileOut(organisation_id=organisation_id, profile=profile.value, is_default=False)


@router.get("/decisions/verify", response=ChainReportOut, summary="Verify the audit's hash chain (platform admins)")
def decision_chain_verify(request: HttpRequest) -> ChainReportOut:
    _require_reviewer(request)
    report = constitution.audit_verify()
    return ChainReportOut(
        ok=report.ok, checked=report.checked, broken_at=report.broken_at, problem=report.problem, pending=report.pending
    )
