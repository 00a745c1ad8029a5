"""The career tools (Naledi): `job_matches` reads the learner's matches from the Azora Marketplace (open jobs and
gigs scoring at least the threshold for their skills, best first, each with the reasons of its score)."""

from __future__ import annotations

from azora.agents.tools import ToolRequest, ToolResult, about_learner, folded_words, register_tool
from azora.marketplace.public import ListingView, matches_for_user

SHOWN = 5
_PERIODS = {"hour": "an hour", "month": "a month", "year": "a year", "project": "for the project"}


def _pay(listing: ListingView) -> str:
    low, high = listing.pay_min, listing.pay_max
    amount = str(high) if low == high else f"{low} to {high}"
    return f"{amount} {_PERIODS.get(listing.pay_period, listing.pay_period)}"


def job_matches(request: ToolRequest) -> ToolResult:
    matches = matches_for_user(user_id=request.user_id, limit=SHOWN)
    if not matches:
        return ToolResult(
            tool="job_matches",
            ok=True,
            summary=(
                "No open job or gig in the Azora Marketplace matches the learner's skills well enough yet (a match "
                "scores 60 of 100 or more). Suggest adding their skills to their marketplace profile and earning "
                "certificates, which verify skills; do not name or invent job openings or employers."
            ),
            data={"matches": []},
        )
    lines = []
    for number, found in enumerate(matches, 1):
        listing, match = found.listing, found.match
        kind = "gig" if listing.kind == "gig" else ("job, " + listing.job_type.replace("_", "-")).rstrip(", ")
        place = "remote" if listing.is_remote else (listing.location or "on site")
        lines.append(
            f'{number}. "{listing.title}" ({kind}; {listing.poster_name or "a poster"}; {place}; {_pay(listing)}): '
            f"match {match.score}/100 - " + "; ".join(match.reasons)
        )
    return ToolResult(
        tool="job_matches",
        ok=True,
        summary=(
            "The learner's best matches in the Azora Marketplace (open listings, best first; name only these):\n"
            + "\n".join(lines)
        ),
        data={
            "matches": [
                {"listing_id": str(found.listing.id), "title": found.listing.title, "score": found.match.score}
                for found in matches
            ]
        },
    )


# Words (folded) of a question about the learner's own job matches. "How do I write a CV?" is not one.
MATCH_WORDS = frozenset(
    {"job", "jobs", "match", "matches", "matching", "opening", "openings", "vacancy", "vacancies", "gig", "gigs",
     "emploi", "emplois", "poste", "postes", "vaga", "vagas", "emprego", "empregos", "werk", "werke", "pos",
     "kazi", "ajira", "nafasi"}
)  # fmt: skip


def about_matches(text: str) -> bool:
    """Does the question ask about jobs or gigs for the learner ("which jobs match me", "kazi gani ninaweza")?"""
    words = folded_words(text)
    return about_learner(words) and not MATCH_WORDS.isdisjoint(words)


register_tool(
    "job_matches",
    job_matches,
    asked=about_matches,
    description="Open jobs and gigs in the Azora Marketplace that match the learner's skills, with the reasons.",
)
