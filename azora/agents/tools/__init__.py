"""The tools the agents call (a registry of named tools) and `gather`, which runs an agent's tools for one question.

Each tool reads one owning app's `public` module on behalf of one learner and sees only what that learner may see
(their own enrolments, grades, wallet and rewards; passages of the courses they are enrolled in or teach). A tool
returns a `ToolResult`: a short summary for the model, the passages it retrieved (numbered for citation in
`ToolContext.as_prompt()`), and the citations. A tool that raises is caught: its result has `ok=False` and the
error, and the answer goes on without it. See docs/agents.md, "Tools and grounding".
"""

from __future__ import annotations

import importlib
import re
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from azora.agents.public.views import AgentView, CitationView, ConversationView
from azora.ai_routing.public import FACTS_HEADING
from azora.shared.observability.logging import get_logger

__all__ = [
    "NO_SOURCE_NOTE",
    "ToolContext",
    "ToolPassage",
    "ToolRequest",
    "ToolResult",
    "ToolSpec",
    "gather",
    "register_tool",
    "registered_tools",
    "run_tool",
]

logger = get_logger("azora.agents")

# Said in the answer when no lesson passage supports it (the issue: "with no source, the agent says so").
NO_SOURCE_NOTE = gettext_lazy(
    "I found nothing about this in the lessons of your courses, so this answer is not based on a course source."
)

# Facts the learner did not ask for, kept for a model's context (the offline provider does not quote them).
BACKGROUND_HEADING = "Background about the learner (from the platform; use only if it helps, do not reveal ids):"

# The modules that register the tools when imported (loaded on first use, so that importing this package is cheap
# and the tools' modules may import the dataclasses defined here).
_TOOL_MODULES = (
    "azora.agents.tools.content",
    "azora.agents.tools.learning",
    "azora.agents.tools.money",
    "azora.agents.tools.career",
)


@dataclass(frozen=True, slots=True)
class ToolPassage:
    """A lesson passage a tool retrieved; numbered in `ToolContext.as_prompt()` so the model can cite it."""

    title: str
    url: str
    text: str
    course_id: uuid.UUID | None
    score: float


@dataclass(frozen=True, slots=True)
class ToolRequest:
    """What a tool is asked: for which learner, about which course (if any), and the learner's question."""

    user_id: uuid.UUID
    course_id: uuid.UUID | None
    text: str
    # Reads shared by the tools of one `gather` (the learner's enrolments, their grades), so that each is made once.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def remember(self, key: str, read: Callable[[], Any]) -> Any:
        """`read()` once per request and key; later calls return the first result."""
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]


@dataclass(frozen=True, slots=True)
class ToolResult:
    """One tool's outcome. `summary` is text for the model (facts, or why nothing was found); `error` is set when
    `ok` is False (the tool raised, is unknown, or is not available yet)."""

    tool: str
    ok: bool
    summary: str
    citations: tuple[CitationView, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    passages: tuple[ToolPassage, ...] = ()
    # Whether the learner asked for these facts (set by `gather`): asked facts go under AI Routing's FACTS_HEADING,
    # which a model reads and the offline provider quotes; the others are background for a model only.
    asked: bool = True


@dataclass(frozen=True, slots=True)
class ToolContext:
    """The results of the tools run for one question, in the order they ran."""

    results: tuple[ToolResult, ...] = ()

    @property
    def citations(self) -> tuple[CitationView, ...]:
        """Every cited passage's title and link, first occurrence first, without duplicates."""
        seen: dict[tuple[str, str], CitationView] = {}
        for result in self.results:
            for citation in result.citations:
                seen.setdefault((citation.title, citation.url), citation)
        return tuple(seen.values())

    @property
    def passages(self) -> tuple[ToolPassage, ...]:
        """The retrieved passages in citation order ([1] first)."""
        return tuple(passage for result in self.results if result.ok for passage in result.passages)

    @property
    def tools_used(self) -> tuple[str, ...]:
        """The names of the tools that answered (ok), in the order they ran."""
        return tuple(result.tool for result in self.results if result.ok)

    @property
    def failures(self) -> tuple[ToolResult, ...]:
        """The results of tools that failed, were unknown or are not available yet."""
        return tuple(result for result in self.results if not result.ok)

    @property
    def searched(self) -> bool:
        """True when `search_content` ran (so an empty `passages` means the lessons hold nothing on the question)."""
        return any(result.tool == "search_content" and result.ok for result in self.results)

    @property
    def has_sources(self) -> bool:
        return bool(self.passages)

    def as_prompt(self) -> str:
        """The tools' context for the model: numbered passages to cite as [n], then the facts, then what failed.

        Written for the model (not shown to the learner), in English like the system prompts.
        """
        sections: list[str] = []
        passages = self.passages
        if passages:
            lines = ["Lesson passages from the learner's courses. Base the answer on them and cite them as [1], [2]:"]
            for number, passage in enumerate(passages, start=1):
                lines.append(f"[{number}] {passage.title} ({passage.url})\n{passage.text.strip()}")
            sections.append("\n\n".join(lines))
        elif self.searched:
            sections.append(
                "No lesson passage of the learner's courses matches this question. Say plainly that the lessons hold "
                f'nothing on it, in the learner\'s language (e.g. "{NO_SOURCE_NOTE}"), and do not invent a source.'
            )
        # search_content's own summary is not a fact: its passages, or the no-passage instruction above, say it.
        facts = [r for r in self.results if r.ok and not r.passages and r.tool != "search_content"]
        asked = [f"- {result.tool}: {result.summary}" for result in facts if result.asked]
        if asked:
            # AI Routing's heading: a model reads the facts under it, the offline provider quotes them.
            sections.append(FACTS_HEADING + "\n" + "\n".join(asked))
        background = [f"- {result.tool}: {result.summary}" for result in facts if not result.asked]
        if background:
            sections.append(BACKGROUND_HEADING + "\n" + "\n".join(background))
        failures = [f"- {result.tool}: {result.summary}" for result in self.failures]
        if failures:
            sections.append(
                "Tools that could not answer (say so plainly if the learner asked for this; never make it up):\n"
                + "\n".join(failures)
            )
        return "\n\n".join(sections)


ToolFunction = Callable[[ToolRequest], ToolResult]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A registered tool: its name (what `Agent.tools` lists), the function, and whether it is available."""

    name: str
    function: ToolFunction
    description: str
    available: bool = True
    # Whether the tool has anything to say about a question (None: always). `gather` skips a tool that does not
    # apply, so that a costly read (a grade computed on demand) runs only when the question is about it.
    applies: Callable[[str], bool] | None = None
    # Whether the question asks for the tool's facts (None: when the tool has an `applies` check, which then ran it).
    # Unasked facts are background (see ToolResult.asked).
    asked: Callable[[str], bool] | None = None


_lock = threading.Lock()
_tools: dict[str, ToolSpec] = {}
_loaded = False


def register_tool(
    name: str,
    function: ToolFunction,
    *,
    description: str,
    available: bool = True,
    applies: Callable[[str], bool] | None = None,
    asked: Callable[[str], bool] | None = None,
) -> None:
    """Register (or replace) the tool called `name`. An unavailable tool is registered so that agents may list it;
    its function says why it cannot answer yet. `applies(text)` tells whether a question concerns the tool;
    `asked(text)` whether it asks for the tool's facts (ToolResult.asked)."""
    spec = ToolSpec(
        name=name, function=function, description=description, available=available, applies=applies, asked=asked
    )
    with _lock:
        _tools[name] = spec


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module in _TOOL_MODULES:
        importlib.import_module(module)
    _loaded = True


def registered_tools() -> dict[str, ToolSpec]:
    """Every registered tool by name."""
    _load()
    with _lock:
        return dict(_tools)


def _failure(name: str, *, summary: str, error: str) -> ToolResult:
    return ToolResult(tool=name, ok=False, summary=summary, error=error)


def run_tool(name: str, request: ToolRequest) -> ToolResult:
    """Run one tool for `request`; never raises: an unknown tool or an exception is a failed result.

    Each tool runs in its own savepoint, so that a database error inside one tool leaves the caller's
    transaction usable and the other tools still run.
    """
    spec = registered_tools().get(name)
    if spec is None:
        return _failure(name, summary="This tool does not exist.", error="unknown_tool")
    try:
        with transaction.atomic():
            result = spec.function(request)
    except Exception as error:  # a tool failure must never break the answer (the "bad input")
        logger.warning("agents.tool_failed", tool=name, error=type(error).__name__, exc_info=True)
        return _failure(name, summary="This tool failed, so its information is missing.", error=type(error).__name__)
    return result


def gather(
    *,
    agent: AgentView,
    user_id: uuid.UUID,
    text: str,
    course_id: uuid.UUID | None = None,
    conversation: ConversationView | None = None,
) -> ToolContext:
    """Run the agent's allowed tools (`agent.tools`, in that order, each once) that apply to the learner's question;
    never raises. A tool whose `applies` says the question is not about it is not run (and not listed); an unknown
    name is a failure.

    `course_id` is the conversation's course (or pass `conversation` and it is read from there).
    """
    if course_id is None and conversation is not None:
        course_id = conversation.course_id
    request = ToolRequest(user_id=user_id, course_id=course_id, text=text)
    specs = registered_tools()
    names: Iterable[str] = dict.fromkeys(agent.tools)
    results = []
    for name in names:
        spec = specs.get(name)
        if spec is not None and spec.applies is not None and not _applies(spec, text):
            continue
        result = run_tool(name, request)
        if result.ok and not _asked(spec, text):
            result = replace(result, asked=False)
        results.append(result)
    return ToolContext(results=tuple(results))


def _asked(spec: ToolSpec | None, text: str) -> bool:
    """Whether the learner asked for the tool's facts: its `asked(text)` check when it has one, else whether it runs
    only for questions about it (`applies`). A lesson question routed to Kofi or Naledi is not a question about the
    learner's wallet or job matches: their facts stay background there."""
    if spec is None:
        return True
    if spec.asked is None:
        return spec.applies is not None
    try:
        return bool(spec.asked(text))
    except Exception:  # a broken check keeps the facts as background: the answer goes on
        logger.warning("agents.tool_asked_failed", tool=spec.name, exc_info=True)
        return False


# Words (folded) by which a learner speaks of themselves, in the served languages; Swahili marks the first person on
# the verb ("nina", "nime", "nili", "nita").
_FIRST_PERSON = frozenset(
    {"i", "im", "ive", "me", "my", "mine", "myself", "je", "j", "moi", "mon", "ma", "mes", "eu", "meu", "minha",
     "meus", "minhas", "ek", "myne", "mimi", "yangu", "wangu", "changu", "langu", "zangu", "yetu"}
)  # fmt: skip
_SWAHILI_FIRST_PERSON = ("nina", "nime", "nili", "nita")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def folded_words(text: str) -> list[str]:
    """The question's words, lower case and without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def about_learner(words: Iterable[str]) -> bool:
    """Whether the question speaks of the learner (I, my, je, meu, ek, yangu, "nina..."): facts about the learner
    answer only such questions."""
    return any(word in _FIRST_PERSON or word.startswith(_SWAHILI_FIRST_PERSON) for word in words)


def _applies(spec: ToolSpec, text: str) -> bool:
    try:
        return spec.applies is None or bool(spec.applies(text))
    except Exception:  # a broken relevance check runs the tool rather than hide it
        logger.warning("agents.tool_applies_failed", tool=spec.name, exc_info=True)
        return True
