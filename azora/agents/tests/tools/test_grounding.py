"""The groundedness score (pure): per-sentence containment of content tokens in the best passage."""

from __future__ import annotations

from azora.agents.grounding import Groundedness, SentenceSupport, content_tokens, groundedness, sentences

PASSAGES = [
    "Biology: Photosynthesis. Plants use photosynthesis to turn sunlight into sugar in their leaves.",
    "Money: Saving. An emergency fund holds three to six months of needs.",
]


def test_content_tokens_drop_stop_words_links_and_citation_marks_and_fold_inflections() -> None:
    assert content_tokens("The plants [1] are turning sunlight into sugars (/learn/abc/) https://x.org/a") == [
        "plant",
        "turn",
        "sunlight",
        "sugar",
    ]
    assert content_tokens("Économie et ÉPARGNE") == ["economie", "epargne"]


def test_sentences_split_at_ends_and_line_breaks() -> None:
    assert sentences("One. Two!\n\nThree?  Four") == ["One.", "Two!", "Three?", "Four"]


def test_an_answer_built_from_the_passages_is_fully_grounded() -> None:
    answer = "Plants turn sunlight into sugar [1]. An emergency fund holds three to six months of needs [2]."
    result = groundedness(answer, PASSAGES)
    assert result == Groundedness(
        score=1.0,
        mean_support=1.0,
        supported=2,
        counted=2,
        sentences=(
            SentenceSupport(sentence="Plants turn sunlight into sugar [1].", support=1.0, passage=0, is_supported=True),
            SentenceSupport(
                sentence="An emergency fund holds three to six months of needs [2].",
                support=1.0,
                passage=1,
                is_supported=True,
            ),
        ),
    )


def test_an_unsupported_sentence_lowers_the_score() -> None:
    answer = "Plants turn sunlight into sugar. Volcanoes erupt when magma pressure rises underground."
    result = groundedness(answer, PASSAGES)
    assert (result.score, result.supported, result.counted) == (0.5, 1, 2)
    assert result.sentences[1] == SentenceSupport(
        sentence="Volcanoes erupt when magma pressure rises underground.", support=0.0, passage=None, is_supported=False
    )
    assert result.mean_support == 0.5


def test_partial_overlap_is_measured_against_the_threshold() -> None:
    # 2 of the 5 content tokens (plant, store, sugar, inside, root) are in a passage: 0.4, under the default 0.5.
    answer = "Plants store sugar inside roots."
    assert groundedness(answer, PASSAGES).sentences[0].support == 0.4
    assert groundedness(answer, PASSAGES).score == 0.0
    assert groundedness(answer, PASSAGES, threshold=0.4).score == 1.0


def test_short_sentences_and_ignored_ones_are_not_counted() -> None:
    intro = "I am the offline assistant and answer only from the platform's lessons."
    answer = f"Good question! {intro} Plants turn sunlight into sugar."
    result = groundedness(answer, PASSAGES, ignore=[intro.upper()])
    assert (result.score, result.counted) == (1.0, 1)
    assert groundedness("Yes. Sure thing!", PASSAGES) == Groundedness(
        score=1.0, mean_support=1.0, supported=0, counted=0, sentences=()
    )


def test_without_passages_every_claim_is_unsupported() -> None:
    result = groundedness("Plants turn sunlight into sugar.", [])
    assert (result.score, result.supported, result.counted) == (0.0, 0, 1)
