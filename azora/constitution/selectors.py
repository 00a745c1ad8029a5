"""Constitutional AI's read side: the current constitution, organisations' profiles, decisions, chain verification."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q

import azora.accounts.public as accounts
from azora.constitution import chain
from azora.constitution.document import ConstitutionDocument, parse_document, repo_source, source_sha256
from azora.constitution.models import AuditChainHead, ConstitutionVersion, DecisionRecord, OrganisationPolicy
from azora.constitution.policy import Profile, strictest
from azora.constitution.public import ConstitutionView, DecisionView, FindingView
from azora.shared.pagination import Page, paginate_queryset

_parsed_lock = threading.Lock()
_parsed: dict[str, ConstitutionDocument] = {}


def _document(source: str, sha256: str) -> ConstitutionDocument:
    """The parsed document, cached by its hash (versions never change once written)."""
    with _parsed_lock:
        cached = _parsed.get(sha256)
    if cached is None:
        cached = parse_document(source)
        with _parsed_lock:
            _parsed[sha256] = cached
    return cached


def constitution_current() -> ConstitutionView:
    """The highest version in the database; the repository's file (as version 0) when none is loaded yet."""
    row = ConstitutionVersion.objects.order_by("-number").defer("source").first()
    if row is None:
        source = repo_source()
        document = _document(source, source_sha256(source))
        return ConstitutionView(
            number=0,
            document_version=document.version,
            title=document.title,
            principles=document.principles,
            origin="repo",
            note="",
            sha256=source_sha256(source),
            created_at=None,
        )
    with _parsed_lock:
        cached = _parsed.get(row.sha256)
    if cached is None:
        source = ConstitutionVersion.objects.values_list("source", flat=True).get(pk=row.pk)
        cached = _document(source, row.sha256)
    document = cached
    return ConstitutionView(
        number=row.number,
        document_version=row.document_version,
        title=document.title,
        principles=document.principles,
        origin=row.origin,
        note=row.note,
        sha256=row.sha256,
        created_at=row.created_at,
    )


def organisation_policy(*, organisation_id: uuid.UUID) -> Profile | None:
    """The profile the organisation chose; None when it chose none."""
    chosen = OrganisationPolicy.objects.filter(organisation_id=organisation_id).values_list("profile", flat=True)
    first = chosen.first()
    return Profile(first) if first else None


def organisation_profile(*, organisation_id: uuid.UUID | None) -> Profile:
    default = Profile(settings.AZORA_CONSTITUTION_DEFAULT_PROFILE)
    if organisation_id is None:
        return default
    chosen = OrganisationPolicy.objects.filter(organisation_id=organisation_id).values_list("profile", flat=True)
    first = chosen.first()
    return Profile(first) if first else default


def profile_resolve(
    *,
    organisation_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    requested: Profile | None = None,
    as_minor: bool = False,
) -> Profile:
    """The profile a text is checked under: the requested one or the organisation's, and STRICT, always, for a
    learner under 18 (by the date of birth accounts holds; or `as_minor`, validate's "check it as for a minor").

    Nothing makes a minor's profile less strict: neither the organisation's choice, nor a requested profile.
    """
    profile = requested or organisation_profile(organisation_id=organisation_id)
    if as_minor or accounts.user_is_minor(user_id=user_id):
        return strictest(profile, Profile.STRICT)
    return profile


def _finding_views(raw: Any) -> tuple[FindingView, ...]:
    return tuple(
        FindingView(
            detector=str(item.get("detector", "")),
            principle=str(item.get("principle", "")),
            severity=int(item.get("severity", 0)),
            start=int(item.get("start", 0)),
            end=int(item.get("end", 0)),
            message=str(item.get("message", "")),
        )
        for item in (raw or [])
        if isinstance(item, Mapping)
    )


def decision_view(record: DecisionRecord) -> DecisionView:
    return DecisionView(
        id=record.id,
        sequence=record.sequence,
        created_at=record.created_at,
        user_id=record.user_id,
        organisation_id=record.organisation_id,
        request_id=record.request_id,
        surface=record.surface,
        purpose=record.purpose,
        role=record.role,
        profile=record.profile,
        action=record.action,
        score=record.score,
        passed=record.passed,
        would_block=record.would_block,
        violations=tuple(record.violations or ()),
        findings=_finding_views(record.findings),
        input_sha256=record.input_sha256,
        output_sha256=record.output_sha256,
        input_text=record.input_text,
        output_text=record.output_text,
        latency_us=record.latency_us,
        constitution_number=record.constitution_number,
        record_hash=record.record_hash,
    )


def decision_page(
    *,
    cursor: str | None,
    limit: int | None,
    action: str | None = None,
    role: str | None = None,
    user_id: uuid.UUID | None = None,
    principle: str | None = None,
) -> Page[DecisionView]:
    """Decisions newest first (by chain sequence), optionally filtered; one query per page."""
    queryset = DecisionRecord.objects.all()
    if action:
        queryset = queryset.filter(action=action)
    if role:
        queryset = queryset.filter(role=role)
    if user_id:
        queryset = queryset.filter(user_id=user_id)
    if principle:
        # JSON containment is not portable to SQLite; the principle ids are simple words, matched in the JSON text.
        queryset = queryset.filter(violations__icontains=f'"{principle}"')
    # Newest first by id (UUIDv7, time-ordered): a record is listed at once, before it is sealed into the chain.
    return paginate_queryset(queryset, cursor=cursor, limit=limit, to_item=decision_view, ordering=("-id",))


def _chain_rows() -> Iterator[dict[str, Any]]:
    fields = (*chain.HASHED_FIELDS, "previous_hash", "record_hash")
    sealed = DecisionRecord.objects.filter(sequence__isnull=False).order_by("sequence")
    yield from sealed.values(*fields).iterator(chunk_size=2000)


def audit_verify() -> chain.ChainReport:
    """Verifies the sealed chain from its anchor to its head; `pending` counts records not sealed yet."""
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
    report = chain.verify(
        _chain_rows(),
        anchor_sequence=head.anchor_sequence,
        anchor_hash=head.anchor_hash,
        last_sequence=head.last_sequence,
        last_hash=head.last_hash,
    )
    pending = DecisionRecord.objects.filter(sequence__isnull=True).count()
    return dataclasses.replace(report, pending=pending) if pending else report


def decisions_to_review(*, cursor: str | None, limit: int | None) -> Page[DecisionView]:
    """Decisions that changed or refused a text, or would have blocked it, newest first; one query per page."""
    queryset = DecisionRecord.objects.filter(Q(passed=False) | Q(would_block=True) | ~Q(action="allow"))
    return paginate_queryset(queryset, cursor=cursor, limit=limit, to_item=decision_view, ordering=("-id",))
