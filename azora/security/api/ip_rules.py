"""Aegis's /api/v1/security/ip-rules: operators list, add and remove IP allow and deny rules."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

import azora.accounts.public as accounts
from azora.security.public import edge
from azora.security.schemas_ip_rules import SecurityIpRuleIn, SecurityIpRuleOut, SecurityIpRuleQuery
from azora.shared.pagination import Paged

router = Router()

# No API key can be given this scope: IP rules are managed by a signed-in platform admin (session or token).
OPERATOR_SCOPE = "security:ip_rules"


def _operator(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=OPERATOR_SCOPE)


def _out(rule: edge.IpRuleView) -> SecurityIpRuleOut:
    return SecurityIpRuleOut(
        id=rule.id,
        action=rule.action,
        cidr=rule.cidr,
        reason=rule.reason,
        source=rule.source,
        expires_at=rule.expires_at,
        created_by_id=rule.created_by_id,
        created_at=rule.created_at,
    )


@router.get(
    "/security/ip-rules",
    response=Paged[SecurityIpRuleOut],
    summary="IP allow and deny rules, newest first (platform admins)",
)
def ip_rule_list(request: HttpRequest, query: Query[SecurityIpRuleQuery]) -> Paged[SecurityIpRuleOut]:
    _operator(request)
    page = edge.ip_rule_page(include_expired=query.include_expired, cursor=query.cursor, limit=query.limit)
    return Paged[SecurityIpRuleOut](items=[_out(rule) for rule in page.items], next_cursor=page.next_cursor)


@router.post(
    "/security/ip-rules",
    response={201: SecurityIpRuleOut},
    summary="Add a rule; a deny rule that would lock out the caller or every operator is refused (409)",
)
def ip_rule_create(request: HttpRequest, payload: SecurityIpRuleIn) -> Status[SecurityIpRuleOut]:
    actor_id = _operator(request)
    rule = edge.ip_rule_create(
        actor_id=actor_id,
        action=payload.action,
        cidr=payload.cidr,
        reason=payload.reason,
        expires_at=payload.expires_at,
        request=request,
    )
    return Status(201, _out(rule))


@router.delete("/security/ip-rules/{rule_id}", response={204: None}, summary="Remove a rule (platform admins)")
def ip_rule_delete(request: HttpRequest, rule_id: uuid.UUID) -> Status[None]:
    actor_id = _operator(request)
    edge.ip_rule_delete(actor_id=actor_id, rule_id=rule_id, request=request)
    return Status(204, None)
