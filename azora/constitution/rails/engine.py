"""The rails: run the detectors (and the integrity check) on one text and decide; pure, no database.

Input rails: injection/jailbreak, personal data (redacted when the text leaves for an external provider), hazards,
profanity, and integrity against the learner's open questions; trusted context gets the personal-data check only.
Output rails: personal data (always redacted), hazards, bias, profanity, disclosure, integrity. The services add the
database around it (profile, open questions, audit); the streaming guard calls it per sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from azora.constitution.integrity import integrity_findings
from azora.constitution.policy import Action, Decision, Finding, Profile, Role, decide
from azora.constitution.rails import detectors


@dataclass(frozen=True, slots=True)
class Evaluation:
    decision: Decision
    text: str  # the text as it may go on: redacted when the decision redacts, else unchanged
    redacted: str  # the text with every redactable span replaced (what an audit record may store)


def findings_for(
    text: str,
    *,
    role: Role,
    open_questions: Sequence[tuple[str, str]] = (),
    language: str | None = None,
) -> list[Finding]:
    found: list[Finding] = list(
        detectors.detect_input(text, language=language)
        if role is Role.INPUT
        else detectors.detect_output(text, language=language)
    )
    if open_questions:
        found.extend(integrity_findings(text, open_questions))
    return found


def trusted_findings(text: str, *, redact_personal_data: bool, language: str | None = None) -> list[Finding]:
    """The input rails for trusted context (`ChatMessage.trusted`: an agent's prompt, lesson passages, a transcript
    whose turns were checked when they were written): nothing to refuse in it, so only personal data is looked for,
    and only when it will be redacted (the chat may leave for an external provider)."""
    if not redact_personal_data:
        return []
    return list(detectors.detect_personal_data(text, language=language))


def evaluate(
    text: str,
    *,
    role: Role | str,
    profile: Profile | str,
    redact_personal_data: bool = True,
    open_questions: Sequence[tuple[str, str]] = (),
    language: str | None = None,
) -> Evaluation:
    """Checks `text` and decides; the returned text is what may go on when the action is allow or redact."""
    role = Role(role)
    found = findings_for(text, role=role, open_questions=open_questions, language=language)
    decision = decide(found, role=role, profile=profile, redact_personal_data=redact_personal_data)
    redacted = _redact(text, found)
    return Evaluation(
        decision=decision,
        text=redacted if decision.action is Action.REDACT or decision.redactions else text,
        redacted=redacted,
    )


def _redact(text: str, found: Sequence[Finding]) -> str:
    redactable = [f for f in found if isinstance(f, detectors.Finding) and f.replacement is not None]
    if not redactable:
        return text
    return detectors.redact(text, redactable)
