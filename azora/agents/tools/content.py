"""The `search_content` tool: lesson passages of the courses the learner may read, the conversation's course first."""

from __future__ import annotations

from azora.agents.public.views import CitationView
from azora.agents.tools import ToolPassage, ToolRequest, ToolResult, register_tool
from azora.ai_routing.public import PassageHit, passages_search
from azora.education.public import course_ids_enrolled_or_taught

# Passages given to the model for one question (each up to about 1200 characters).
PASSAGE_LIMIT = 3


def _passage(hit: PassageHit) -> ToolPassage:
    return ToolPassage(title=hit.title, url=hit.url, text=hit.text, course_id=hit.course_id, score=hit.score)


def citations_of(passages: tuple[ToolPassage, ...]) -> tuple[CitationView, ...]:
    """Each passage's lesson once (a lesson's passages share its title and link), in passage order."""
    seen: dict[tuple[str, str], CitationView] = {}
    for passage in passages:
        seen.setdefault((passage.title, passage.url), CitationView(title=passage.title, url=passage.url))
    return tuple(seen.values())


def content_search(request: ToolRequest, *, limit: int = PASSAGE_LIMIT) -> tuple[ToolPassage, ...]:
    """The best passages for the request's text among the courses the learner is enrolled in (not revoked) or
    teaches: the conversation's course first (when the learner may read it), then their other courses."""
    allowed = set(course_ids_enrolled_or_taught(user_id=request.user_id))
    if not allowed or not request.text.strip():
        return ()
    hits: list[PassageHit] = []
    if request.course_id is not None and request.course_id in allowed:
        hits.extend(passages_search(query=request.text, course_ids=[request.course_id], limit=limit))
        allowed.discard(request.course_id)
    if len(hits) < limit and allowed:
        hits.extend(passages_search(query=request.text, course_ids=allowed, limit=limit - len(hits)))
    return tuple(_passage(hit) for hit in hits)


def search_content(request: ToolRequest) -> ToolResult:
    passages = content_search(request)
    if not passages:
        return ToolResult(
            tool="search_content",
            ok=True,
            summary="No lesson of the learner's courses matches this question.",
            data={"passages": 0},
        )
    return ToolResult(
        tool="search_content",
        ok=True,
        summary=f"{len(passages)} lesson passage(s) found.",
        citations=citations_of(passages),
        data={"passages": len(passages)},
        passages=passages,
    )


register_tool(
    "search_content",
    search_content,
    description="Lesson passages of the learner's courses (enrolled or taught), the conversation's course first.",
)
