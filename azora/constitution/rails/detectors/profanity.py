"""Offensive language: a short multilingual word list first, then `alt-profanity-check`'s shipped model (English).

The model (a TF-IDF vectorizer and five sigmoid-calibrated linear SVMs) is loaded lazily on first use.
`profanity_probability` computes exactly what `profanity_check.predict_prob` returns for one text — the mean of the
calibrated sigmoids of the five SVMs' decision values. It does not call scikit-learn per text: at load, each
vocabulary term is folded into one table entry (its idf and its five SVM weights), and a text is scored by
tokenising it as the vectorizer does (lower case, `\\b\\w\\w+\\b`, English stop words out), weighting each known term
by count x idf, and dividing by the l2 norm. About 0.01 ms on a sentence instead of about 1 ms through the
vectorizer's `transform` (which the output rail used to pay on every streamed sentence); a test holds the two equal.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

import numpy as np

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.text import compile_pattern, guess_language

# Probability at or above which the model's verdict is reported. The model fires on mild words too
# ("sex education" scores about 0.6), so only confident verdicts count.
THRESHOLD = 0.85

# Strong swear words and insults in the platform's other languages (folded: lower case, no accents); the model
# only knows English.
_WORDS = compile_pattern(
    r"\b(?:"
    r"merde|putain|connard|connasse|salope|encule|enculee|fils de pute|ta gueule|nique ta|batard|"
    r"porra|caralho|merda|foda-se|fodase|filho da puta|puta que pariu|vai te foder|cabrao|arrombado|"
    r"fok|fokof|fokken|poes|doos|kak|moer jou|naai|"
    r"malaya|msenge|kuma|mavi|mkundu|mbwa wewe"
    r")\b"
)


@dataclass(frozen=True)
class _Model:
    token: re.Pattern[str]  # the vectorizer's token pattern
    stop_words: frozenset[str]
    # term -> (idf, the five SVMs' weights of the term): what `transform` and the sparse product read per term
    terms: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]  # the five SVMs' intercepts
    slopes: tuple[float, ...]  # the five calibrations' a_
    offsets: tuple[float, ...]  # the five calibrations' b_


_model: _Model | None = None
_lock = threading.Lock()


def _load() -> _Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from profanity_check import profanity_check

                vectorizer = profanity_check.vectorizer
                # What this scorer reproduces; a newer model with other settings must fail loudly, not score wrong.
                parameters = vectorizer.get_params()
                expected = {"analyzer": "word", "lowercase": True, "ngram_range": (1, 1), "norm": "l2"}
                expected |= {"use_idf": True, "binary": False, "sublinear_tf": False, "strip_accents": None}
                expected |= {"preprocessor": None, "tokenizer": None}
                if {name: parameters[name] for name in expected} != expected:
                    raise RuntimeError("profanity_check's vectorizer changed: the constitution's scorer needs review")
                calibrated = profanity_check.model.calibrated_classifiers_
                coefficients = np.vstack([c.estimator.coef_[0] for c in calibrated]).T.tolist()
                idf = vectorizer.idf_.tolist()
                terms = {
                    term: (idf[index], tuple(coefficients[index])) for term, index in vectorizer.vocabulary_.items()
                }
                _model = _Model(
                    token=re.compile(vectorizer.token_pattern),
                    stop_words=frozenset(vectorizer.get_stop_words() or ()),
                    terms=terms,
                    intercepts=tuple(float(c.estimator.intercept_[0]) for c in calibrated),
                    slopes=tuple(float(c.calibrators[0].a_) for c in calibrated),
                    offsets=tuple(float(c.calibrators[0].b_) for c in calibrated),
                )
    return _model


def warm_up() -> None:
    """Load the model now (e.g. at start-up) instead of on the first text."""
    _load()


def profanity_probability(text: str) -> float:
    """The shipped model's probability that `text` is offensive (= `profanity_check.predict_prob([text])[0]`)."""
    model = _load()
    counts: dict[str, int] = {}
    for token in model.token.findall(text.lower()):
        if token not in model.stop_words and token in model.terms:
            counts[token] = counts.get(token, 0) + 1
    classifiers = range(len(model.intercepts))
    sums = [0.0 for _ in classifiers]
    norm = 0.0
    for term, count in counts.items():
        idf, weights = model.terms[term]
        value = count * idf
        norm += value * value
        for index in classifiers:
            sums[index] += value * weights[index]
    scale = 1.0 / math.sqrt(norm) if norm > 0.0 else 0.0
    total = 0.0
    for index in classifiers:
        decision = sums[index] * scale + model.intercepts[index]
        exponent = model.slopes[index] * decision + model.offsets[index]
        # numpy's exp overflows to inf (a sigmoid of 0); math.exp raises instead, far beyond any real decision value.
        total += 0.0 if exponent > 700.0 else 1.0 / (1.0 + math.exp(exponent))
    return total / len(model.intercepts)


def find_profanity(text: str, folded: str, *, language: str | None = None) -> list[Finding]:
    """Offensive language: the word list (any language), else the model above `THRESHOLD`.

    The model was trained on English only and misreads other languages' ordinary words ("hoe" and "die" are
    Afrikaans for "how" and "the"), so it runs only when the language is English, or not given and not guessed
    (from function words) to be another one.
    """
    match = _WORDS.search(folded)
    if match is not None:
        return [
            Finding(
                detector="profanity",
                principle="ubuntu",
                severity=4,
                start=match.start(),
                end=match.end(),
                replacement=None,
                message="Offensive language.",
            )
        ]
    # The guard does not always know the language: then the text's function words decide.
    language = language or guess_language(folded)
    if language is not None and not language.lower().startswith("en"):
        return []
    probability = profanity_probability(text)
    if probability >= THRESHOLD:
        return [
            Finding(
                detector="profanity",
                principle="ubuntu",
                severity=4,
                start=0,
                end=0,
                replacement=None,
                message="Offensive language.",
            )
        ]
    return []
