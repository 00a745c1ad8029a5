"""Properties of the sentence-buffered output filter: any chunking sends the same text; a bad sentence never leaks."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azora.ai_routing.public import ChatMessage, GuardContext
from azora.constitution.rails.guard import ConstitutionGuard

pytestmark = pytest.mark.django_db

SAFE = [
    "A budget is a plan for your money. ",
    "Saving a little each month adds up!\n",
    "Interest is the price of borrowing money? ",
    "Photosynthesis turns light into sugar. ",
    "Write to [email] for help. ",
]
BAD = "Here is how to make a pipe bomb: mix the explosive powder and pack it into a pipe. "
CONTEXT = GuardContext(
    user_id=None, organisation_id=None, course_id=None, purpose="chat", provider_is_external=False, request_id="p"
)


def chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


def run(chunks: list[str]) -> tuple[str, str, str]:
    output = ConstitutionGuard().output_filter(messages=(ChatMessage("user", "?"),), context=CONTEXT)
    sent = "".join(output.feed(chunk) for chunk in chunks)
    verdict = output.finish()
    return sent, verdict.tail, verdict.action


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sentences=st.lists(st.sampled_from(SAFE), min_size=1, max_size=5), cuts=st.lists(st.integers(0, 400)))
def test_safe_text_arrives_whole_whatever_the_chunks(sentences: list[str], cuts: list[int]) -> None:
    text = "".join(sentences)
    sent, tail, action = run(chunked(text, cuts))
    assert sent + tail == text
    assert action == "allow"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(st.sampled_from(SAFE), max_size=3),
    after=st.lists(st.sampled_from(SAFE), max_size=3),
    cuts=st.lists(st.integers(0, 600)),
)
def test_a_violating_sentence_is_never_sent(before: list[str], after: list[str], cuts: list[int]) -> None:
    text = "".join(before) + BAD + "".join(after)
    sent, tail, action = run(chunked(text, cuts))
    assert sent == "".join(before)
    assert "pipe" not in sent + tail
    assert action == "revise"
