"""The circuit breaker on a fake clock, per-minute counters, the response cache bound, the offline provider, E001."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from azora.ai_routing import public, resilience
from azora.ai_routing.adapters import ProviderRequest
from azora.ai_routing.adapters.local import INDEX, Bm25Index, LocalProvider, stem
from azora.ai_routing.checks import check_guard_registered
from azora.ai_routing.public import ChatMessage, Citation
from azora.ai_routing.response_cache import CachedAnswer, cache_get, cache_put
from azora.ai_routing.tests.conftest import ScriptedGuard
from azora.shared import knowledge
from azora.shared.knowledge import Passage


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(resilience, "clock", fake)
    import azora.ai_routing.response_cache as response_cache

    monkeypatch.setattr(response_cache, "clock", fake)
    return fake


def test_the_breaker_opens_after_five_failures_half_opens_after_60_s_and_closes_after_two_successes(
    clock: Clock,
) -> None:
    for _ in range(4):
        assert resilience.breaker_failure("p", failures_to_open=5) == "closed"
    assert resilience.breaker_failure("p", failures_to_open=5) == "open"
    assert resilience.breakers_allow(["p"], open_seconds=60) == {"p": (False, "circuit open", False)}
    clock.now += 59.9
    assert resilience.breakers_allow(["p"], open_seconds=60) == {"p": (False, "circuit open", False)}
    clock.now += 0.1
    assert resilience.breakers_allow(["p"], open_seconds=60) == {"p": (True, "", False)}
    assert resilience.breaker_status("p").state == "half_open"
    resilience.breaker_success("p", successes_to_close=2)
    assert resilience.breaker_status("p").state == "half_open"
    resilience.breaker_success("p", successes_to_close=2)
    assert resilience.breaker_status("p") == resilience.BreakerStatus("closed", 0, 0, None)


def test_the_breakers_of_a_chat_are_read_in_one_round_trip(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache

    for _ in range(5):
        resilience.breaker_failure("pause-over", failures_to_open=5)
    clock.now += 30
    for _ in range(5):
        resilience.breaker_failure("open-now", failures_to_open=5)  # opened 30 s later
    clock.now += 30
    reads: list[tuple[str, int]] = []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key: str, *args: object, **kwargs: object) -> object:
        reads.append(("get", 1))
        return real_get(key, *args, **kwargs)  # type: ignore[arg-type]

    def get_many(keys: list[str], *args: object, **kwargs: object) -> dict[str, object]:
        reads.append(("get_many", len(keys)))
        return real_get_many(keys, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)
    answers = resilience.breakers_allow(["closed", "open-now", "pause-over"], open_seconds=60)

    assert answers == {
        "closed": (True, "", True),
        "open-now": (False, "circuit open", False),
        "pause-over": (True, "", False),
    }
    # One get_many (one round trip to Redis; the in-process cache of the embedded mode implements it with gets).
    assert reads[0] == ("get_many", 3)
    assert [read for read in reads if read[0] == "get_many"] == [("get_many", 3)]
    assert resilience.breaker_status("pause-over").state == "half_open"
    assert resilience.breaker_status("open-now").state == "open"


def test_a_failure_while_half_open_opens_the_breaker_again(clock: Clock) -> None:
    for _ in range(5):
        resilience.breaker_failure("p", failures_to_open=5)
    clock.now += 60
    resilience.breakers_allow(["p"], open_seconds=60)
    assert resilience.breaker_failure("p", failures_to_open=5) == "open"
    assert resilience.breaker_status("p").opened_at == clock.now


def test_a_success_resets_the_consecutive_failure_count(clock: Clock) -> None:
    for _ in range(4):
        resilience.breaker_failure("p", failures_to_open=5)
    assert resilience.breakers_allow(["p"], open_seconds=60) == {"p": (True, "", False)}
    resilience.breaker_success("p", successes_to_close=2)
    assert resilience.breaker_failure("p", failures_to_open=5) == "closed"


def test_a_success_on_a_breaker_found_clean_reads_and_writes_nothing(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    assert resilience.breakers_allow(["p"], open_seconds=60) == {"p": (True, "", True)}
    touched: list[str] = []

    def counting(method: str) -> Callable[..., object]:
        real = getattr(cache, method)

        def call(*args: object, **kwargs: object) -> object:
            touched.append(method)
            return real(*args, **kwargs)

        return call

    for method in ("get", "set"):
        monkeypatch.setattr(cache, method, counting(method))

    resilience.breaker_success("p", successes_to_close=2, clean=True)
    assert touched == []
    # A failure counted after the chat's read stands: the next success that reads it resets it.
    resilience.breaker_failure("p", failures_to_open=5)
    resilience.breaker_success("p", successes_to_close=2, clean=True)
    assert resilience.breaker_status("p").failures == 1
    resilience.breaker_success("p", successes_to_close=2)
    assert resilience.breaker_status("p").failures == 0


def test_per_minute_counters_reset_each_minute(clock: Clock) -> None:
    assert resilience.count_within("k", 3, 5)
    assert resilience.count_within("k", 2, 5)
    assert not resilience.count_within("k", 1, 5)
    clock.now += 60
    assert resilience.count_within("k", 5, 5)
    assert resilience.count_within("k", 10**9, 0)  # 0 = no limit


def test_the_response_cache_is_bounded_per_ttl_window_and_by_size(clock: Clock) -> None:
    answer = CachedAnswer("text", "m", 1, 2, (Citation("t", "/u/"),))
    assert cache_put("ai:answer:a", answer, ttl_seconds=3600, max_entries=2, max_characters=10)
    assert cache_put("ai:answer:b", answer, ttl_seconds=3600, max_entries=2, max_characters=10)
    assert not cache_put("ai:answer:c", answer, ttl_seconds=3600, max_entries=2, max_characters=10)
    assert not cache_put("ai:answer:d", CachedAnswer("x" * 11, "m", 1, 1, ()), ttl_seconds=3600, max_entries=9,
                         max_characters=10)  # fmt: skip
    assert (cache_get("ai:answer:a"), cache_get("ai:answer:c")) == (answer, None)


PASSAGES = (
    Passage("l1#0", "Biology: Photosynthesis", "/learn/1/", "Plants turn light into sugar in the chloroplast.", None),
    Passage("l2#0", "Biology: Respiration", "/learn/2/", "Cells release energy from sugar with oxygen.", None),
    Passage("l3#0", "Maths: Fractions", "/learn/3/", "A fraction names parts of a whole.", None),
)


def test_bm25_ranks_the_passage_that_shares_the_rare_words_first() -> None:
    hits = Bm25Index(PASSAGES).search("How do plants use light?")
    assert [hit.passage.source_id for hit in hits] == ["l1#0"]
    # Both mention sugar once: the shorter passage (7 terms against 8) scores higher.
    assert [h.passage.source_id for h in Bm25Index(PASSAGES).search("sugar")] == ["l2#0", "l1#0"]
    assert Bm25Index(PASSAGES).search("volcano") == []


def test_bm25_meets_inflections_of_a_word() -> None:
    passages = (
        Passage("b#0", "Money: Personal budgeting", "/learn/b/", "Plan what you spend before payday.", None),
        Passage("c#0", "Work: Your CV", "/learn/c/", "List achievements with numbers.", None),
    )
    assert [hit.passage.source_id for hit in Bm25Index(passages).search("What is a budget?")] == ["b#0"]
    assert [hit.passage.source_id for hit in Bm25Index(passages).search("achievement")] == ["c#0"]
    assert [stem(word) for word in ("budgeting", "budgets", "studies", "planned", "class", "thing")] == [
        "budget", "budget", "study", "plann", "class", "thing",
    ]  # fmt: skip


@pytest.fixture
def lessons() -> Iterator[None]:
    knowledge.register_source("test.lessons", lambda: PASSAGES, lambda: "v1")
    INDEX.invalidate()
    yield
    knowledge.unregister_source("test.lessons")
    INDEX.invalidate()


@pytest.mark.django_db
def test_the_offline_provider_answers_from_lessons_cites_them_and_says_it_is_offline(lessons: None) -> None:
    request = ProviderRequest(
        model="", messages=(ChatMessage("user", "How do plants use light?"),), max_tokens=100, temperature=None,
        timeout_seconds=1,
    )  # fmt: skip
    completion = LocalProvider().complete(request)
    assert completion.text.startswith("I am Azora's offline assistant")
    assert "Plants turn light into sugar in the chloroplast." in completion.text
    assert completion.text.endswith("Sources:\n- Biology: Photosynthesis (/learn/1/)")
    assert completion.citations == (Citation("Biology: Photosynthesis", "/learn/1/"),)


@pytest.mark.django_db
def test_the_offline_provider_says_so_when_the_lessons_hold_nothing(lessons: None) -> None:
    request = ProviderRequest(
        model="", messages=(ChatMessage("user", "volcano eruptions"),), max_tokens=100, temperature=None,
        timeout_seconds=1,
    )  # fmt: skip
    completion = LocalProvider().complete(request)
    assert "I found nothing in the lessons about that." in completion.text
    assert completion.citations == ()


@pytest.mark.django_db
def test_the_offline_provider_quotes_only_courses_the_caller_may_read() -> None:
    """A source scopes its course passages per person (education: a paid course only for its buyers), and the
    scope of every scoped source is what the offline provider searches."""
    paid, reader, outsider = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    passages = (Passage("p#0", "Paid: Photosynthesis", "/learn/p/", "Plants turn light into sugar.", paid),)
    knowledge.register_source(
        "test.paid",
        lambda: passages,
        lambda: "v1",
        readable_course_ids=lambda user: frozenset({paid} if user == reader else ()),
    )
    INDEX.invalidate()
    try:

        def ask(user_id: uuid.UUID | None) -> tuple[Citation, ...]:
            request = ProviderRequest(
                model="", messages=(ChatMessage("user", "How do plants use light?"),), max_tokens=100,
                temperature=None, timeout_seconds=1, user_id=user_id,
            )  # fmt: skip
            return LocalProvider().complete(request).citations

        assert ask(reader) == (Citation("Paid: Photosynthesis", "/learn/p/"),)
        assert ask(outsider) == ()
        assert ask(None) == ()
    finally:
        knowledge.unregister_source("test.paid")
        INDEX.invalidate()


def test_e001_when_a_guard_is_required_and_none_is_registered() -> None:
    with override_settings(AZORA_AI_REQUIRE_GUARD=True):
        assert [message.id for message in check_guard_registered()] == ["ai_routing.E001"]
        public.register_guard(ScriptedGuard())
        assert check_guard_registered() == []
    public.unregister_guard()
    assert check_guard_registered() == []


def test_a_failing_shared_cache_degrades_to_no_breaker_no_limit_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import redis
    from django.core.cache import cache

    def down(*args: object, **kwargs: object) -> None:
        raise redis.ConnectionError("down")

    for method in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(cache, method, down)
    assert resilience.breakers_allow(["p", "q"], open_seconds=60) == {}  # a chat then treats both as closed
    assert resilience.breaker_failure("p", failures_to_open=1) == "closed"
    assert resilience.count_within("k", 10, 5) is True
    assert cache_get("ai:answer:x") is None
    assert (
        cache_put("ai:answer:x", CachedAnswer("t", "m", 1, 1, ()), ttl_seconds=1, max_entries=1, max_characters=9)
        is False
    )
