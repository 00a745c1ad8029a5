"""The career tools (Naledi). `job_matches` is registered as unavailable until the marketplace app exists: its
result says so plainly, so that the answer never invents job matches."""

from __future__ import annotations

from azora.agents.tools import ToolRequest, ToolResult, register_tool

UNAVAILABLE = "unavailable"


def job_matches(request: ToolRequest) -> ToolResult:
    return ToolResult(
        tool="job_matches",
        ok=False,
        summary=(
            "Job matching is not available yet: the Azora Marketplace, where jobs and skills will be matched, does "
            "not exist yet. Say so plainly; do not name or invent job openings or employers."
        ),
        error=UNAVAILABLE,
    )


register_tool(
    "job_matches",
    job_matches,
    description="Job matches for the learner's skills (not available until the marketplace exists).",
    available=False,
)
