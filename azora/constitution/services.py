"""Constitutional AI's write side: validating texts (with their audit record), versions, profiles, purge."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone

from azora.constitution import chain, metrics, selectors
from azora.constitution.document import DocumentInvalid, parse_document, repo_source, source_sha256
from azora.constitution.errors import ConstitutionInvalid
from azora.constitution.models import (
    AuditChainHead,
    ConstitutionVersion,
    DecisionRecord,
    OrganisationPolicy,
    VersionOrigin,
)
from azora.constitution.policy import Action, Decision, Finding, Profile, Role
from azora.constitution.public import ConstitutionView, FindingView, ValidationResult
from azora.constitution.rails.engine import Evaluation, evaluate
from azora.shared.after_response import after_response
from azora.shared.observability.logging import get_logger
from azora.shared.prepared import BoundInsert, PreparedInsert

logger = get_logger("azora.constitution")

SURFACES = frozenset({"api", "guard", "critique"})
# Records sealed per transaction: bounds the time the chain head is locked.
SEAL_BATCH = 500


# --- The constitution's versions ------------------------------------------------------------------------------


def _next_number() -> int:
    last = ConstitutionVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def constitution_version_create(
    *, source: str, origin: str = VersionOrigin.ADMIN, created_by_id: uuid.UUID | None = None, note: str = ""
) -> ConstitutionView:
    """Saves `source` as the new current version, after validating it; the previous versions stay as they are."""
    try:
        document = parse_document(source)
    except DocumentInvalid as error:
        raise ConstitutionInvalid(str(error)) from error
    # Lock the newest row so that two concurrent edits cannot take the same number (the unique key backs it up).
    list(ConstitutionVersion.objects.select_for_update().order_by("-number")[:1])
    ConstitutionVersion.objects.create(
        number=_next_number(),
        document_version=document.version,
        source=source,
        sha256=source_sha256(source),
        origin=origin,
        note=note[:300],
        created_by_id=created_by_id,
    )
    return selectors.constitution_current()


def constitution_sync_from_repo() -> bool:
    """Loads the repository's constitution.yaml as a new version unless its document version is loaded already.

    Runs after `migrate` (apps.py); True when it added a version. An admin's later edit of the same document
    version is kept: the file is loaded again only when its `version` goes up.
    """
    source = repo_source()
    document = parse_document(source)
    loaded = ConstitutionVersion.objects.filter(origin=VersionOrigin.REPO, document_version__gte=document.version)
    if loaded.exists():
        return False
    constitution_version_create(source=source, origin=VersionOrigin.REPO, note=f"constitution.yaml v{document.version}")
    return True


# --- Organisations' profiles ----------------------------------------------------------------------------------


def organisation_profile_set(
    *, organisation_id: uuid.UUID, profile: Profile | str, by_user_id: uuid.UUID | None
) -> Profile:
    chosen = Profile(str(profile).upper())
    OrganisationPolicy.objects.update_or_create(
        organisation_id=organisation_id, defaults={"profile": chosen.value, "updated_by_id": by_user_id}
    )
    return chosen


# --- The decisions audit --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What one decision record holds besides the decision itself."""

    surface: str
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    request_id: str
    purpose: str
    input_text: str  # hashed; the raw text checked (the request)
    output_text: str  # hashed; what went on (the redacted request, or the answer sent)
    stored_input: str  # stored when the retention setting allows: redacted of personal data
    stored_output: str
    latency_us: int


def _findings_json(findings: Sequence[Finding]) -> list[dict[str, object]]:
    return [
        {
            "detector": f.detector,
            "principle": f.principle,
            "severity": int(f.severity),
            "start": int(f.start),
            "end": int(f.end),
            "message": f.message[:200],
        }
        for f in findings
    ]


def _keeps_texts(decision: Decision) -> bool:
    mode = settings.AZORA_CONSTITUTION_AUDIT_TEXTS
    if mode == "all":
        return True
    if mode == "flagged":
        return decision.action is not Action.ALLOW or bool(decision.violations) or decision.would_block
    return False


# One prepared INSERT, not the ORM's save: two of these per chat (docs/decisions/0024). The record names the
# constitution version in force when it is written, read by the INSERT itself rather than in a round trip before it.
_INSERT_DECISION = PreparedInsert(
    DecisionRecord,
    computed={"constitution_number": f'(SELECT max("number") FROM "{ConstitutionVersion._meta.db_table}")'},  # noqa: S608 -- the table's name from the model
)


def decision_record(*, decision: Decision, entry: AuditEntry) -> uuid.UUID:
    """Writes the decision (unsealed: one statement, the chain head not touched) and counts it; the record is sealed
    into the chain once the response has been sent (at once outside a request), by whichever writer gets the head,
    or by the seal job. A chat's answer no longer waits on the chain (docs/decisions/0023), and a process seals
    at most once per AZORA_CONSTITUTION_SEAL_INTERVAL_MS, each seal chaining every record written since."""
    record_id: uuid.UUID = decision_record_unsent(decision=decision, entry=entry).execute(connection)
    return record_id


def decision_record_unsent(*, decision: Decision, entry: AuditEntry) -> BoundInsert:
    """`decision_record`'s row, counted but not written: the caller writes it, alone (`execute`) or in a statement
    of its own (azora/shared/prepared.py), before its work ends. The guard hands AI Routing its two records this
    way, which writes them with its budget statements (docs/ai-routing.md, "Performance"); the seal is asked for
    once the row is written."""
    if entry.surface not in SURFACES:
        raise ValueError(f"unknown surface {entry.surface!r}")
    keep = _keeps_texts(decision)
    record = _INSERT_DECISION.bind(
        connection,
        created_at=timezone.now(),
        user_id=entry.user_id,
        organisation_id=entry.organisation_id,
        request_id=entry.request_id[:64],
        surface=entry.surface,
        purpose=entry.purpose[:40],
        role=decision.role.value,
        profile=decision.profile.value,
        action=decision.action.value,
        score=Decimal(str(decision.score)).quantize(Decimal("0.01")),
        passed=decision.passed,
        would_block=decision.would_block,
        violations=list(decision.violations),
        findings=_findings_json(decision.findings),
        input_sha256=chain.text_sha256(entry.input_text),
        output_sha256=chain.text_sha256(entry.output_text),
        input_text=entry.stored_input if keep else None,
        output_text=entry.stored_output if keep else None,
        latency_us=max(0, min(entry.latency_us, 2**31 - 1)),
    )
    _count(decision, entry.surface, entry.latency_us)
    if decision.would_block and not decision.blocked:
        # LENIENT warns and DEVELOPMENT logs: the text went through, but the record and this line say why it
        # would have been blocked.
        logger.warning(
            "constitution.not_enforced",
            decision_id=str(record.pk),
            profile=decision.profile.value,
            violations=list(decision.violations),
        )
    return dataclasses.replace(record, after_write=_seal_soon)


def _seal_soon() -> None:
    after_response(decisions_seal_pending, at_most_every=settings.AZORA_CONSTITUTION_SEAL_INTERVAL_MS / 1000)


def _locked_head(*, wait: bool) -> AuditChainHead | None:
    """The chain head, locked for this transaction; None when another writer holds it and `wait` is False.

    `head.has_pending` says, in the same statement, whether any record waits to be sealed.
    """
    skip = not wait and connection.features.has_select_for_update_skip_locked
    locked = (
        AuditChainHead.objects.select_for_update(skip_locked=skip, of=("self",))
        .annotate(has_pending=Exists(DecisionRecord.objects.filter(sequence__isnull=True)))
        .filter(pk=1)
    )
    head = locked.first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)  # the first record ever (or a table emptied by tests)
        head = locked.first()
    return head


def _link(record: DecisionRecord, head: AuditChainHead) -> None:
    """Gives the record the next sequence after the (locked) head and its hash; moves the head in memory."""
    record.sequence = head.last_sequence + 1
    record.previous_hash = head.last_hash
    record.record_hash = chain.record_hash(head.last_hash, {f: getattr(record, f) for f in chain.HASHED_FIELDS})
    head.last_sequence, head.last_hash = record.sequence, record.record_hash


def _seal_pending(head: AuditChainHead) -> int:
    """Chains up to SEAL_BATCH unsealed records, oldest first, after the locked head; moves the head."""
    pending = list(DecisionRecord.objects.filter(sequence__isnull=True).order_by("created_at", "id")[:SEAL_BATCH])
    if not pending:
        return 0
    for record in pending:
        _link(record, head)
    _write_seals(pending)
    head.save(update_fields=["last_sequence", "last_hash"])
    return len(pending)


def _write_seals(records: Sequence[DecisionRecord]) -> None:
    """One `UPDATE ... FROM (VALUES ...)` for the batch's sequences and hashes: `bulk_update`'s CASE expressions cost
    half of a seal's CPU (docs/ai-routing.md). VALUES columns are column1..4 in PostgreSQL and SQLite alike."""
    table = connection.ops.quote_name(DecisionRecord._meta.db_table)
    id_field = DecisionRecord._meta.pk
    assert id_field is not None
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(records))
    values = [
        value
        for record in records
        for value in (
            id_field.get_db_prep_value(record.pk, connection),
            record.sequence,
            record.previous_hash,
            record.record_hash,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sequence = v.column2, previous_hash = v.column3, record_hash = v.column4 "  # noqa: S608 -- the table name is the model's, the values are parameters
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            values,
        )


def decisions_seal_pending() -> None:
    """Seals what is pending unless another writer holds the head (it, the next one or the seal job will)."""
    decisions_seal(wait=False)


def decisions_seal(*, wait: bool = True) -> int:
    """Seals every pending record (the seal job, the purge); returns how many. `wait=False` skips a held lock."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = _locked_head(wait=wait)
            if head is None or not getattr(head, "has_pending", True):
                return sealed
            batch = _seal_pending(head)
        sealed += batch
        if batch < SEAL_BATCH:
            return sealed


def _count(decision: Decision, surface: str, latency_us: int) -> None:
    role = decision.role.value
    metrics.DECISIONS.labels(
        role=role, action=decision.action.value, profile=decision.profile.value, surface=surface
    ).inc()
    metrics.DECISION_SECONDS.labels(role=role).observe(latency_us / 1_000_000)
    for principle in decision.violations:
        metrics.VIOLATIONS.labels(principle=principle, role=role).inc()


def decisions_purge(*, now: datetime | None = None) -> int:
    """Deletes the sealed records older than the retention period (a prefix of the chain) and moves the anchor.

    The anchor becomes the last purged record's sequence and hash, so the first kept record still verifies.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AZORA_CONSTITUTION_RETENTION_DAYS)
    decisions_seal(wait=True)
    with transaction.atomic():
        head = _locked_head(wait=True)
        assert head is not None
        sealed = DecisionRecord.objects.filter(sequence__isnull=False)
        # The longest prefix of the chain whose records are all older than the cutoff.
        first_kept = sealed.filter(created_at__gte=cutoff).order_by("sequence").values_list("sequence", flat=True)
        limit = first_kept.first()
        prefix = sealed.filter(created_at__lt=cutoff) if limit is None else sealed.filter(sequence__lt=limit)
        last_old = prefix.order_by("-sequence").values_list("sequence", "record_hash").first()
        if last_old is None:
            return 0
        anchor_sequence, anchor_hash = last_old
        if anchor_sequence is None:  # not possible (sealed rows only); keeps the type checker honest
            return 0
        deleted, _ = DecisionRecord.objects.filter(sequence__lte=anchor_sequence).delete()
        head.anchor_sequence = anchor_sequence
        head.anchor_hash = anchor_hash
        head.save(update_fields=["anchor_sequence", "anchor_hash"])
    logger.info("constitution.decisions_purged", deleted=deleted, anchor_sequence=head.anchor_sequence)
    return deleted


# --- Validating a text ----------------------------------------------------------------------------------------


def open_questions_of(user_id: uuid.UUID | None) -> list[tuple[str, str]]:
    """(question id, text) of the learner's open assessment attempts (academic integrity)."""
    if user_id is None:
        return []
    from azora.education.public import open_attempt_questions

    return [(str(q.question_id), q.prompt) for q in open_attempt_questions(user_id=user_id)]


def finding_views(evaluation: Evaluation) -> tuple[FindingView, ...]:
    return tuple(
        FindingView(
            detector=f.detector,
            principle=f.principle,
            severity=int(f.severity),
            start=int(f.start),
            end=int(f.end),
            message=f.message,
        )
        for f in evaluation.decision.findings
    )


def text_validate(
    *,
    text: str,
    role: Role,
    user_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
    as_minor: bool,
    provider_is_external: bool,
    requested_profile: Profile | None,
    purpose: str,
    request_id: str,
    surface: str = "api",
) -> ValidationResult:
    started = time.perf_counter()
    profile = selectors.profile_resolve(
        organisation_id=organisation_id, user_id=user_id, requested=requested_profile, as_minor=as_minor
    )
    evaluation = evaluate(
        text,
        role=role,
        profile=profile,
        redact_personal_data=provider_is_external,
        open_questions=open_questions_of(user_id),
    )
    latency_us = int((time.perf_counter() - started) * 1_000_000)
    decision = evaluation.decision
    decision_id = decision_record(
        decision=decision,
        entry=AuditEntry(
            surface=surface,
            user_id=user_id,
            organisation_id=organisation_id,
            request_id=request_id,
            purpose=purpose,
            input_text=text,
            output_text=evaluation.text,
            stored_input=evaluation.redacted,
            stored_output=evaluation.redacted,
            latency_us=latency_us,
        ),
    )
    return ValidationResult(
        decision_id=decision_id,
        action=decision.action,
        score=decision.score,
        passed=decision.passed,
        would_block=decision.would_block,
        profile=decision.profile,
        role=decision.role,
        violations=decision.violations,
        warnings=decision.warnings,
        findings=finding_views(evaluation),
        text=evaluation.text,
        redacted_text=evaluation.redacted,
    )
