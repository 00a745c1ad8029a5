"""The constitution's Guard (ADR 0014): input rails before a model sees a chat, output rails on its stream.

`ConstitutionGuard` is registered with `ai_routing.public.register_guard` in the app's ready(). The output filter
holds the model's text back until a sentence is complete, checks each sentence, and stops the stream at the first
sentence that fails under a blocking profile, so a violating sentence is never sent. At the end, a failing answer
is critiqued and revised through the model (external providers; at most AZORA_CONSTITUTION_REVISE_ROUNDS rounds,
then refused), or replaced by a templated notice of what was withheld (the offline provider).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Sequence

from django.conf import settings

from azora.ai_routing.public import (
    ChatMessage,
    ChatOptions,
    GuardContext,
    InputVerdict,
    OutputFilter,
    OutputVerdict,
    chat,
)
from azora.constitution import metrics, selectors, services
from azora.constitution.policy import Action, Decision, Finding, Profile, Role, decide
from azora.constitution.rails import detectors
from azora.constitution.rails import messages as texts
from azora.constitution.rails.engine import findings_for, trusted_findings
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.constitution")

# A sentence ends at . ! ? (and their CJK forms) followed by optional closing quotes/brackets and whitespace, or at a
# line break. "3.14" and "e.g.x" do not end one: the punctuation must be followed by whitespace.
SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]]*\s+|\n+")
# Text without a sentence end is checked and sent in pieces of about this size (cut at whitespace), so a model
# that never ends a sentence cannot make the buffer grow without bound.
MAX_BUFFER = 2000

# A critique-and-revise call: (messages) -> the model's text; raises when the model cannot answer.
Reviser = Callable[[Sequence[ChatMessage], GuardContext], str]


def _model_text(chat_messages: Sequence[ChatMessage], context: GuardContext) -> str:
    result = chat(
        messages=chat_messages,
        options=ChatOptions(
            user_id=context.user_id,
            organisation_id=context.organisation_id,
            course_id=context.course_id,
            purpose="critique",
            governed=False,
            request_id=context.request_id,
        ),
    )
    if result.outcome != "ok":
        raise RuntimeError(f"critique call ended with outcome {result.outcome}")
    return result.text


def _profile(context: GuardContext) -> Profile:
    # The organisation's profile; STRICT for a learner under 18 (accounts knows from the date of birth).
    return selectors.profile_resolve(organisation_id=context.organisation_id, user_id=context.user_id)


def _joined(chat_messages: Sequence[ChatMessage]) -> str:
    return "\n".join(f"{m.role}: {m.content}" for m in chat_messages)


def _last_request(chat_messages: Sequence[ChatMessage]) -> str:
    return next((m.content for m in reversed(chat_messages) if m.role == "user"), "")


def _shift(finding: Finding, offset: int) -> Finding:
    if offset and dataclasses.is_dataclass(finding) and not isinstance(finding, type):
        return dataclasses.replace(finding, start=finding.start + offset, end=finding.end + offset)
    return finding


def _redact(text: str, found: Sequence[Finding]) -> str:
    redactable = [f for f in found if isinstance(f, detectors.Finding) and f.replacement is not None]
    return detectors.redact(text, redactable) if redactable else text


@dataclasses.dataclass(frozen=True, slots=True)
class _ChatFacts:
    """What the rails need to know about a chat's learner, looked up once for its input and output checks."""

    profile: Profile
    open_questions: tuple[tuple[str, str], ...]


class ConstitutionGuard:
    """Input check and output filter of every governed chat; each hands AI Routing its decision's audit record to
    write (`InputVerdict.record`, `OutputVerdict.record`), as the Guard contract asks."""

    def __init__(self, *, reviser: Reviser | None = None) -> None:
        self._reviser = reviser or _model_text
        self._last_chat = threading.local()

    def _facts(self, context: GuardContext) -> _ChatFacts:
        # AI Routing hands one chat's input check and output filter the same context object, on one thread: the
        # second call reuses the first one's lookups (the learner's profile and open attempts).
        last = getattr(self._last_chat, "entry", None)
        if last is not None and last[0] is context:
            facts: _ChatFacts = last[1]
            return facts
        facts = _ChatFacts(
            profile=_profile(context),
            open_questions=tuple(services.open_questions_of(context.user_id)),
        )
        self._last_chat.entry = (context, facts)
        return facts

    def check_input(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> InputVerdict:
        started = time.perf_counter()
        facts = self._facts(context)
        profile = facts.profile
        # Only what the caller wrote is judged; trusted context (the agents' prompt, passages and a transcript checked
        # turn by turn) is only looked through for personal data to redact, which re-running every detector over
        # it on every question (most of the time to first token, docs/performance.md) would not change.
        per_message = [
            trusted_findings(m.content, redact_personal_data=context.provider_is_external)
            if m.trusted
            else findings_for(
                m.content, role=Role.INPUT, open_questions=facts.open_questions if m.role == "user" else ()
            )
            for m in messages
        ]
        decision = decide(
            [f for found in per_message for f in found],
            role=Role.INPUT,
            profile=profile,
            redact_personal_data=context.provider_is_external,
        )
        redacted = tuple(
            ChatMessage(role=m.role, content=_redact(m.content, found), trusted=m.trusted)
            for m, found in zip(messages, per_message, strict=True)
        )
        outgoing = redacted if decision.redactions else tuple(messages)
        if context.provider_is_external and decision.action is not Action.REFUSE:
            outgoing = (ChatMessage(role="system", content=texts.DISCLOSURE_INSTRUCTION), *outgoing)
        latency_us = int((time.perf_counter() - started) * 1_000_000)
        record = services.decision_record_unsent(
            decision=decision,
            entry=services.AuditEntry(
                surface="guard",
                user_id=context.user_id,
                organisation_id=context.organisation_id,
                request_id=context.request_id,
                purpose=context.purpose,
                input_text=_joined(messages),
                output_text=_joined(outgoing) if decision.action is not Action.REFUSE else "",
                stored_input=_joined(redacted),
                stored_output=_joined(redacted),
                latency_us=latency_us,
            ),
        )
        if decision.action is Action.REFUSE:
            return InputVerdict(
                action="refuse",
                messages=(),
                decision_id=record.pk,
                reason=texts.input_refusal(decision.violations),
                violations=decision.violations,
                record=record,
            )
        return InputVerdict(
            action="redact" if decision.action is Action.REDACT else "allow",
            messages=outgoing,
            decision_id=record.pk,
            reason="",
            violations=decision.violations,
            record=record,
        )

    def output_filter(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> OutputFilter:
        facts = self._facts(context)
        return SentenceFilter(
            messages=messages,
            context=context,
            profile=facts.profile,
            open_questions=facts.open_questions,
            reviser=self._reviser,
        )


class SentenceFilter:
    """Sentence-buffered output rail for one answer (OutputFilter of ADR 0014)."""

    def __init__(
        self,
        *,
        messages: Sequence[ChatMessage],
        context: GuardContext,
        profile: Profile,
        open_questions: Sequence[tuple[str, str]],
        reviser: Reviser,
    ) -> None:
        self._messages = tuple(messages)
        self._context = context
        self._profile = profile
        self._open_questions = tuple(open_questions)
        self._reviser = reviser
        self._buffer = ""
        self._model_text: list[str] = []  # everything the model produced
        self._sent: list[str] = []  # what went to the user (redacted where needed)
        self._findings: list[Finding] = []  # over the whole model text, with offsets into it
        self._offset = 0  # length of the model text already checked
        self._stopped: Decision | None = None  # the failing sentence's decision, once the stream is stopped
        self._checking_seconds = 0.0
        self._finished: OutputVerdict | None = None

    @property
    def stopped(self) -> bool:
        """True once a sentence failed: the caller may stop reading the model's stream (the rest is withheld)."""
        return self._stopped is not None

    # --- streaming ---

    def feed(self, text: str) -> str:
        if self._finished is not None:
            raise RuntimeError("feed() after finish()")
        self._model_text.append(text)
        if self._stopped is not None:
            return ""
        self._buffer += text
        out: list[str] = []
        while self._stopped is None:
            match = SENTENCE_END.search(self._buffer)
            if match is not None:
                cut = match.end()
            elif len(self._buffer) > MAX_BUFFER:
                space = self._buffer.rfind(" ", 0, MAX_BUFFER)
                cut = space + 1 if space > 0 else MAX_BUFFER
            else:
                break
            piece, self._buffer = self._buffer[:cut], self._buffer[cut:]
            out.append(self._check(piece))
        return "".join(out)

    def _check(self, piece: str) -> str:
        """The piece as it may be sent (redacted), or "" when it fails and the stream stops here."""
        started = time.perf_counter()
        found = findings_for(piece, role=Role.OUTPUT, open_questions=self._open_questions)
        decision = decide(found, role=Role.OUTPUT, profile=self._profile)
        self._findings.extend(_shift(f, self._offset) for f in found)
        self._offset += len(piece)
        self._checking_seconds += time.perf_counter() - started
        if decision.blocked:
            self._stopped = decision
            self._buffer = ""
            return ""
        sent = _redact(piece, found) if decision.redactions else piece
        self._sent.append(sent)
        return sent

    # --- the end ---

    def finish(self) -> OutputVerdict:
        if self._finished is not None:
            return self._finished
        last = ""
        if self._stopped is None and self._buffer:
            piece, self._buffer = self._buffer, ""
            last = self._check(piece)
        started = time.perf_counter()
        whole = decide(self._findings, role=Role.OUTPUT, profile=self._profile)
        self._checking_seconds += time.perf_counter() - started
        if self._stopped is None:
            verdict_action = Action.REDACT if whole.redactions else Action.ALLOW
            final = dataclasses.replace(whole, action=verdict_action)
            tail = last
        else:
            final, tail = self._revise_or_refuse(whole)
        sent_text = "".join(self._sent) + tail
        model_text = "".join(self._model_text)
        record = services.decision_record_unsent(
            decision=final,
            entry=services.AuditEntry(
                surface="guard",
                user_id=self._context.user_id,
                organisation_id=self._context.organisation_id,
                request_id=self._context.request_id,
                purpose=self._context.purpose,
                input_text=_joined(self._messages),
                output_text=sent_text,
                stored_input=_joined(self._messages),
                stored_output=_redact(model_text, self._findings),
                latency_us=int(self._checking_seconds * 1_000_000),
            ),
        )
        self._finished = OutputVerdict(
            action=final.action.value,
            tail=tail,
            decision_id=record.pk,
            violations=final.violations,
            score=final.score,
            record=record,
        )
        return self._finished

    def _revise_or_refuse(self, whole: Decision) -> tuple[Decision, str]:
        stopped = self._stopped
        assert stopped is not None
        violations = tuple(dict.fromkeys((*stopped.violations, *whole.violations)))
        rounds = settings.AZORA_CONSTITUTION_REVISE_ROUNDS
        if not self._context.provider_is_external or rounds == 0:
            metrics.REVISIONS.labels(outcome="templated").inc()
            decision = dataclasses.replace(whole, action=Action.REVISE, violations=violations)
            return decision, texts.withheld_notice(violations)
        revised = self._critique_and_revise(violations, rounds)
        if revised is None:
            metrics.REVISIONS.labels(outcome="refused").inc()
            decision = dataclasses.replace(whole, action=Action.REFUSE, violations=violations)
            return decision, texts.refusal_notice(violations)
        metrics.REVISIONS.labels(outcome="revised").inc()
        decision = dataclasses.replace(whole, action=Action.REVISE, violations=violations)
        return decision, revised

    def _critique_and_revise(self, violations: tuple[str, ...], rounds: int) -> str | None:
        """Up to `rounds` critique + revision calls; the first revision that passes the output rails, or None."""
        request = _redact(_last_request(self._messages), findings_for(_last_request(self._messages), role=Role.INPUT))
        sent = "".join(self._sent)
        model_text = "".join(self._model_text)
        draft = _redact(model_text, findings_for(model_text, role=Role.OUTPUT))
        for _round in range(rounds):
            principles = texts.principle_list(violations)
            try:
                critique = self._reviser(
                    (
                        ChatMessage(role="system", content=texts.CRITIC_SYSTEM),
                        ChatMessage(
                            role="user",
                            content=texts.critique_prompt(principles=principles, request=request, answer=draft),
                        ),
                    ),
                    self._context,
                )
                revised = self._reviser(
                    (
                        ChatMessage(role="system", content=texts.CRITIC_SYSTEM),
                        ChatMessage(
                            role="user",
                            content=texts.revision_prompt(
                                principles=principles, request=request, sent=sent, answer=draft, critique=critique
                            ),
                        ),
                    ),
                    self._context,
                )
            except Exception as error:  # any failure of the critique call (budget, provider) ends in a refusal
                logger.warning("constitution.revise_failed", error=type(error).__name__)
                return None
            started = time.perf_counter()
            found = findings_for(revised, role=Role.OUTPUT, open_questions=self._open_questions)
            decision = decide(found, role=Role.OUTPUT, profile=self._profile)
            latency_us = int((time.perf_counter() - started) * 1_000_000)
            services.decision_record(
                decision=decision,
                entry=services.AuditEntry(
                    surface="critique",
                    user_id=self._context.user_id,
                    organisation_id=self._context.organisation_id,
                    request_id=self._context.request_id,
                    purpose="critique",
                    input_text=critique,
                    output_text=revised,
                    stored_input=critique,
                    stored_output=_redact(revised, found),
                    latency_us=latency_us,
                ),
            )
            if not decision.blocked:
                text = _redact(revised, found) if decision.redactions else revised
                return (" " if sent and not sent.endswith((" ", "\n")) else "") + text.strip()
            violations = decision.violations or violations
            draft = _redact(revised, found)
        return None
