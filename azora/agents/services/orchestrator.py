"""The orchestrator pipeline of one question: validate, detect the language, route, gather tools, ask the model
through AI Routing (governed by the constitution), turn the outcome into an answer, and store the exchange.

`prepare` does everything that may raise a domain error (before anything is written); `run` is a generator of the
answer's text chunks whose return value is the stored `ExchangeResult`. `message_send` drains it; `message_stream`
hands it out as a `ReplyStream`. See docs/agents.md, "The pipeline".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import structlog
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from azora.agents import language as languages
from azora.agents import memory_notes
from azora.agents import routing as router
from azora.agents.config import AgentsSettings, agents_settings
from azora.agents.errors import ConsentRequired, MessageEmpty, MessageTooLong
from azora.agents.hints import integrity_hint
from azora.agents.models import Agent, Conversation, ConversationMode, MessageRole, MessageStatus
from azora.agents.public.memory import memory_add, memory_of
from azora.agents.public.views import AgentView, CitationView, ExchangeResult, RoutingView
from azora.agents.selectors.conversations import (
    active_agents,
    agent_view,
    conversation_of_learner,
    history_of,
)
from azora.agents.services.allowance import QuestionReservation, question_reserve
from azora.agents.services.consent import consent_given
from azora.agents.services.conversations import Answer, exchange_store
from azora.agents.tools import NO_SOURCE_NOTE, ToolContext, gather
from azora.ai_routing.public import ChatMessage, ChatOptions, ChatResult, chat, chat_stream
from azora.education.public import open_answer_revealed, open_attempt_questions
from azora.shared.errors import DomainError

logger = structlog.get_logger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
# Intents whose answers should rest on lesson passages: with none cited, the answer says so.
GROUNDED_INTENTS = frozenset({router.TUTORING, router.HISTORY})
LANGUAGE_INTENT = "language"
_LANGUAGE_NAMES = {
    "en": gettext_lazy("English"),
    "fr": gettext_lazy("French"),
    "pt": gettext_lazy("Portuguese"),
    "af": gettext_lazy("Afrikaans"),
    "sw": gettext_lazy("Kiswahili"),
}


# --- Prompts and optional collaborators -----------------------------------------------------------------------


@lru_cache(maxsize=16)
def system_prompt(slug: str) -> str:
    """The agent's system prompt from `azora/agents/prompts/<slug>.md` (Elara's when the file is missing)."""
    for name in (slug, "elara"):
        path = PROMPTS_DIR / f"{name}.md"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    return "You are Elara, Azora's AI tutor. Teach with hints and guiding questions, and cite the lessons."


def mode_instruction(mode: str) -> str:
    if mode == ConversationMode.DIRECT:
        return (
            "Mode: direct explanation. The learner asked you to explain outright: explain clearly and completely, "
            "step by step, with an example. Still never give the answer to a question of an assessment the learner "
            "has open."
        )
    return (
        "Mode: guided (Socratic). Do not give the final answer to the learner's own problem. Give a hint, ask one "
        "guiding question, or show a worked example of a different, similar problem, and let the learner take the "
        "next step."
    )


def no_source_note() -> str:
    return str(NO_SOURCE_NOTE)


def _fallback_hint() -> str:
    return _(
        "This looks like a question from an assessment you have open, so I will not give you the answer. "
        "Look back at the lesson that covers this topic: what is its key idea, and how does it apply here? "
        "Once you have submitted your attempt, I can explain it fully."
    )


def served_languages_text(codes: Sequence[str]) -> str:
    names = [str(_LANGUAGE_NAMES.get(code, code)) for code in codes]
    return ", ".join(names)


def unserved_text(settings: AgentsSettings) -> str:
    return _(
        "Sorry, I cannot answer in this language yet. Please ask again in one of these languages: %(languages)s."
    ) % {"languages": served_languages_text(settings.served_languages)}


def unavailable_text(error: DomainError) -> str:
    if error.code == "ai_budget_exceeded":
        return _("I cannot answer right now: this month's AI budget is used up. Please ask your administrator.")
    if error.code == "ai_rate_limited":
        return _("You are asking faster than I can answer. Please wait a minute and ask again.")
    return _("I cannot answer right now: no AI service is available. Please try again in a few minutes.")


def interrupted_text() -> str:
    return _("I lost my connection while answering; please ask again.")


# --- Prepare (everything that may raise) ----------------------------------------------------------------------


@dataclass
class Prepared:
    """One validated question, routed; nothing written yet."""

    conversation: Conversation
    user_id: uuid.UUID
    text: str
    request_id: str
    agent: Agent
    agent_view: AgentView
    routing: RoutingView
    language: languages.LanguageVerdict
    plan_code: str
    settings: AgentsSettings
    started: float
    reservation: QuestionReservation | None = None


def prepare(
    *, conversation_id: uuid.UUID, user_id: uuid.UUID, text: str, request_id: str, notice_version: int
) -> Prepared:
    """Validate and route. Raises ConversationNotFound, MessageEmpty, MessageTooLong, ConsentRequired or
    QuestionLimitReached, in that order, before anything is written."""
    started = time.perf_counter()
    conversation = conversation_of_learner(conversation_id=conversation_id, user_id=user_id)
    settings = agents_settings()
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise MessageEmpty()
    if len(stripped) > settings.message_max_chars:
        raise MessageTooLong(extra={"limit": settings.message_max_chars, "length": len(stripped)})
    if not consent_given(user_id=user_id, notice_version=notice_version):
        raise ConsentRequired(extra={"notice_version": notice_version})
    verdict = languages.detect(stripped, served=settings.served_languages)
    agents = active_agents()
    if not agents:
        raise RuntimeError("The agent roster is empty: run the agents migrations (0002_agent_roster).")
    default = next((agent for agent in agents if agent.is_default), agents[0])
    if verdict.is_served:
        facts = [
            router.AgentFacts(
                slug=a.slug, name=a.name, intents=tuple(str(i) for i in a.intents or ()), is_default=a.is_default
            )
            for a in agents
        ]
        routing = router.route(stripped, facts)
    else:
        reason = f"not a served language: {verdict.language or verdict.script} ({verdict.reason})"
        routing = RoutingView(intent=LANGUAGE_INTENT, agent_slug=default.slug, score=0.0, reasons=(reason,))
    agent = next((a for a in agents if a.slug == routing.agent_slug), default)
    # The last check, and the only write: a slot of the allowance, taken under a row lock (released by `run`'s caller
    # through allowance.answer_counted), so two concurrent questions cannot both take the last one.
    reservation = question_reserve(user_id=user_id)
    return Prepared(
        conversation=conversation,
        user_id=user_id,
        text=stripped,
        request_id=request_id,
        agent=agent,
        agent_view=agent_view(agent),
        routing=routing,
        language=verdict,
        plan_code=reservation.plan_code,
        settings=settings,
        started=started,
        reservation=reservation,
    )


# --- Context for the model ------------------------------------------------------------------------------------


def _gather_tools(prepared: Prepared) -> ToolContext:
    """The agent's tools' context; `gather` never raises (a failing tool is reported in the context)."""
    return gather(
        agent=prepared.agent_view,
        user_id=prepared.user_id,
        course_id=prepared.conversation.course_id,
        text=prepared.text,
    )


def _memory_lines(prepared: Prepared) -> list[str]:
    items = memory_of(user_id=prepared.user_id)
    return [f"- {item.kind}: {item.text}" for item in items[: prepared.settings.memory_items]]


def model_messages(prepared: Prepared, tool_context: ToolContext | None) -> list[ChatMessage]:
    """Two messages: one system message (the agent's prompt, the mode, the learner's memory, the tools' context with
    numbered passages, the conversation so far) and the learner's question.

    Everything in the system message is ours or was checked when it was written (the prompt, lesson passages, tool
    facts, memory noted from checked questions, earlier turns checked by the input and output rails), so it is
    marked `trusted`: the constitution's input rails judge only the learner's new message and look through the
    system message for personal data only when the chat may go to an external provider. Re-running every detector
    over it was most of the time to first token (docs/performance.md, "Elara")."""
    parts = [system_prompt(prepared.agent.slug), mode_instruction(prepared.conversation.mode)]
    memory = _memory_lines(prepared)
    if memory:
        intro = "What the learner has told Azora about themselves (they can see and erase it):"
        parts.append("\n".join([intro, *memory]))
    prompt = tool_context.as_prompt().strip() if tool_context is not None else ""
    if prompt:
        parts.append(prompt)
    history = history_of(conversation_id=prepared.conversation.id, limit=prepared.settings.history_messages)
    if history:
        turns = [
            f"{'Learner' if row.role == MessageRole.USER else prepared.agent.name}: {row.content}" for row in history
        ]
        parts.append("The conversation so far (oldest first):\n" + "\n\n".join(turns))
    return [ChatMessage("system", "\n\n".join(parts), trusted=True), ChatMessage("user", prepared.text)]


def chat_options(prepared: Prepared) -> ChatOptions:
    return ChatOptions(
        user_id=prepared.user_id,
        organisation_id=prepared.conversation.organisation_id,
        course_id=prepared.conversation.course_id,
        purpose="tutor",
        plan=prepared.plan_code,
        request_id=prepared.request_id,
    )


def merged_citations(*groups: Iterable[Any]) -> list[dict[str, str]]:
    """Citations of the model's answer and of the tools, each `{title, url}` once, in order of first appearance."""
    seen: set[tuple[str, str]] = set()
    merged: list[dict[str, str]] = []
    for group in groups:
        for citation in group:
            key = (str(getattr(citation, "title", "")), str(getattr(citation, "url", "")))
            if key in seen or not (key[0] or key[1]):
                continue
            seen.add(key)
            merged.append({"title": key[0], "url": key[1]})
    return merged


def _tool_facts(tool_context: ToolContext | None) -> tuple[list[CitationView], list[str]]:
    if tool_context is None:
        return [], []
    return list(tool_context.citations), list(tool_context.tools_used)


def _hint(prepared: Prepared) -> tuple[str, tuple[CitationView, ...]]:
    try:
        text, citations = integrity_hint(
            user_id=prepared.user_id, course_id=prepared.conversation.course_id, question_text=prepared.text
        )
    except Exception:  # integrity never fails open: a bare hint that names nothing from the attempt
        logger.exception("agents_hint_failed")
        return _fallback_hint(), ()
    return text, tuple(citations)


def _routing_data(routing: RoutingView) -> dict[str, Any]:
    return {
        "intent": routing.intent,
        "agent_slug": routing.agent_slug,
        "score": routing.score,
        "reasons": list(routing.reasons),
    }


def _elapsed_ms(started: float) -> int:
    return max(0, int((time.perf_counter() - started) * 1000))


def _remember(prepared: Prepared) -> None:
    """Goals and difficulties noticed in the question go to the learner's memory (they see and erase them)."""
    for kind, text in memory_notes.notice(prepared.text):
        try:
            memory_add(
                user_id=prepared.user_id,
                kind=kind,
                text=text,
                source="conversation",
                conversation_id=prepared.conversation.id,
            )
        except Exception:  # MemoryFull, an invalid note, ...: never lose a stored answer over a memory note
            logger.warning("agents_memory_note_failed", kind=kind, exc_info=True)


# --- Run ------------------------------------------------------------------------------------------------------


def _answer_reveals_open_question(prepared: Prepared, text: str) -> bool:
    """Whether the answer states an answer of a question of the learner's open attempts (the output-side integrity
    check, behind the constitution's input check: a reworded quiz question may pass that one)."""
    try:
        return any(open_answer_revealed(user_id=prepared.user_id, texts=[text]))
    except Exception:  # fail closed: when the check cannot run during an open attempt, give the hint
        logger.exception("agents_integrity_check_failed")
        return True


def run(prepared: Prepared, *, streamed: bool) -> Generator[str, None, ExchangeResult]:
    """The answer's text chunks; returns the stored exchange. Closing the generator early stores nothing.

    While the learner has an assessment attempt open, a streamed answer is held back until it is complete and
    checked with Education's `open_answer_revealed`; an answer that states an open question's answer becomes the
    Socratic hint (status `hint`, flag `integrity`)."""
    first_token_ms: int | None = None
    yielded = False

    def store(content: str, status: str, **fields: Any) -> ExchangeResult:
        latency_ms = _elapsed_ms(prepared.started)
        answer = Answer(
            agent=prepared.agent,
            content=content,
            status=status,
            intent=prepared.routing.intent,
            routing=_routing_data(prepared.routing),
            language=prepared.language.language,
            # A whole answer's first token is its last: for message_send both are the latency.
            first_token_ms=first_token_ms if streamed and first_token_ms is not None else latency_ms,
            latency_ms=latency_ms,
            **fields,
        )
        exchange = exchange_store(conversation_id=prepared.conversation.id, question=prepared.text, answer=answer)
        if status != MessageStatus.UNAVAILABLE:
            _remember(prepared)
        return exchange

    def first_token() -> None:
        nonlocal first_token_ms, yielded
        if first_token_ms is None:
            first_token_ms = _elapsed_ms(prepared.started)
        yielded = True

    if not prepared.language.is_served:
        text = unserved_text(prepared.settings)
        first_token()
        yield text
        return store(text, MessageStatus.UNAVAILABLE)

    guarded = bool(open_attempt_questions(user_id=prepared.user_id))
    tool_context = _gather_tools(prepared)
    tool_citations, tools_used = _tool_facts(tool_context)
    messages = model_messages(prepared, tool_context)
    options = chat_options(prepared)
    result: ChatResult | None
    try:
        if streamed:
            stream = chat_stream(messages=messages, options=options)
        else:
            result = chat(messages=messages, options=options)
    except DomainError as error:  # AI Routing said no before any text: all providers down, budget, rate limit
        logger.warning("agents_answer_unavailable", code=error.code, conversation=str(prepared.conversation.id))
        text = unavailable_text(error)
        first_token()
        yield text
        return store(text, MessageStatus.UNAVAILABLE, tools_used=tools_used)

    if streamed:
        result = stream.result  # already set when the guard refused the input: its text is not for the learner
        if result is None:
            try:
                for chunk in stream:
                    if not guarded:
                        first_token()
                        yield chunk
            finally:
                stream.close()  # settles the usage when the caller stopped reading early
            result = stream.result

    common: dict[str, Any] = {
        "tools_used": tools_used,
        "input_decision_id": result.input_decision_id if result else None,
        "output_decision_id": result.output_decision_id if result else None,
        "usage_id": result.usage_id if result else None,
        "provider": result.provider if result else "",
    }
    if result is None or result.outcome not in ("ok", "refused"):
        # The provider broke mid-answer: the partial text is not stored; the learner is asked to ask again.
        text = interrupted_text()
        shown = f"\n\n{text}" if yielded else text
        first_token()
        yield shown
        return store(text, MessageStatus.INTERRUPTED, **common)

    flags = list(result.violations)
    if result.input_action == "redact" and "privacy" not in flags:
        flags.append("privacy")
    revealed = (
        result.outcome == "ok"
        and guarded
        and result.output_action != "refuse"
        and _answer_reveals_open_question(prepared, result.text)
    )
    if (result.outcome == "refused" and "integrity" in result.violations) or revealed:
        text, hint_citations = _hint(prepared)
        if "integrity" not in flags:
            flags.append("integrity")
        first_token()
        yield text
        return store(text, MessageStatus.HINT, flags=flags, citations=merged_citations(hint_citations), **common)
    if result.outcome == "refused":
        first_token()
        yield result.text
        return store(result.text, MessageStatus.REFUSED, flags=flags, **common)

    status = MessageStatus.REFUSED if result.output_action == "refuse" else MessageStatus.COMPLETE
    citations = merged_citations(result.citations, tool_citations)
    text = result.text
    tail = ""
    if not citations and status == MessageStatus.COMPLETE and _should_say_no_source(prepared, tool_context):
        tail = no_source_note()
        text = f"{text}\n\n{tail}" if text else tail
    if not streamed or guarded:
        first_token()
        yield text
    elif tail:
        yield f"\n\n{tail}"
    return store(text, status, flags=flags, citations=citations, **common)


def _should_say_no_source(prepared: Prepared, tool_context: ToolContext | None) -> bool:
    """With no citation, say so when the answer should rest on lessons: a tutoring or history question, or one for
    which the agent searched the lessons and found nothing."""
    return prepared.routing.intent in GROUNDED_INTENTS or (tool_context is not None and tool_context.searched)


def drain(chunks: Generator[str, None, ExchangeResult]) -> ExchangeResult:
    """Run the generator to its end and return its stored exchange."""
    while True:
        try:
            next(chunks)
        except StopIteration as finished:
            result: ExchangeResult = finished.value
            return result
