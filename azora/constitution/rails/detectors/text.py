"""Text helpers for the detectors: a length-preserving fold (lower case, accents off) and pattern rules."""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from azora.constitution.rails.detectors.findings import Finding

# The stdlib's own regular-expression parser (what `re.compile` uses); private, so typeshed does not describe it.
_RE_PARSER: Any = importlib.import_module("re._parser")
_RE_CONSTANTS: Any = importlib.import_module("re._constants")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x250):
        char = chr(code)
        lower = char.lower()
        if len(lower) != 1:
            continue
        base = unicodedata.normalize("NFKD", lower)[0]
        if base != char:
            table[code] = base
    for quote in "\u2018\u2019\u02bc\u0060\u00b4":
        table[ord(quote)] = "'"
    for quote in "\u201c\u201d\u00ab\u00bb":
        table[ord(quote)] = '"'
    for dash in "\u2010\u2011\u2012\u2013\u2014":
        table[ord(dash)] = "-"
    table[0x00A0] = " "
    return table


_FOLD = str.maketrans(_build_fold_table())


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so spans found in the fold are spans of the text)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern over folded text, written with plain spaces that match any run of whitespace (" ?": optional)."""
    return re.compile(pattern.replace(" ?", r"\s*").replace(" ", r"\s+"))


@dataclass(frozen=True)
class Pattern:
    """A compiled rule pattern. The leading word boundary of a pattern that starts with a literal word is checked
    after the match instead of by the engine: `\\bword` disables the engine's fast scan for a literal prefix."""

    regex: re.Pattern[str]
    word_start: bool
    # Every match starts with one of these strings: when none occurs in the text, the pattern is not run at all.
    anchors: tuple[str, ...]

    @classmethod
    def compile(cls, pattern: str) -> Pattern:
        # Only a literal word start gains (a group after `\\b` is cheaper to reject with the boundary in the engine).
        word_start = pattern.startswith(r"\b") and pattern[2:3].isalpha()
        body = pattern[2:] if word_start else pattern
        regex = compile_pattern(body)
        return cls(regex=regex, word_start=word_start, anchors=leading_literals(regex.pattern))

    def may_match(self, text: str) -> bool:
        if not self.anchors:
            return True
        for anchor in self.anchors:  # noqa: SIM110 - a plain loop: no generator per call on the hot path
            if anchor in text:
                return True
        return False

    def _starts_word(self, text: str, start: int) -> bool:
        return not self.word_start or start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not self.may_match(text):
            return
        position = 0
        while True:
            match = self.regex.search(text, position)
            if match is None:
                return
            if self._starts_word(text, match.start()):
                yield match
            position = match.start() + 1

    def match(self, text: str, position: int) -> re.Match[str] | None:
        match = self.regex.match(text, position)
        if match is None or not self._starts_word(text, position):
            return None
        return match


# Function words of the platform's languages (folded), for a cheap guess when the caller does not say the language.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        {
            "the",
            "and",
            "is",
            "are",
            "to",
            "of",
            "you",
            "what",
            "how",
            "why",
            "i",
            "my",
            "it",
            "this",
            "that",
            "with",
            "for",
            "in",
            "on",
            "be",
            "do",
            "does",
            "was",
        }
    ),
    "fr": frozenset(
        {
            "le",
            "la",
            "les",
            "et",
            "est",
            "sont",
            "de",
            "des",
            "du",
            "un",
            "une",
            "que",
            "qui",
            "je",
            "tu",
            "vous",
            "pour",
            "dans",
            "pas",
            "ce",
            "cette",
            "avec",
        }
    ),
    "pt": frozenset(
        {
            "o",
            "a",
            "os",
            "as",
            "e",
            "de",
            "do",
            "da",
            "dos",
            "das",
            "um",
            "uma",
            "que",
            "eu",
            "tu",
            "voce",
            "para",
            "com",
            "nao",
            "em",
            "no",
            "na",
            "por",
            "como",
        }
    ),
    "af": frozenset(
        {
            "die",
            "en",
            "is",
            "van",
            "hoe",
            "wat",
            "ek",
            "jy",
            "nie",
            "'n",
            "op",
            "vir",
            "met",
            "het",
            "sy",
            "hy",
            "ons",
            "julle",
            "dit",
            "om",
            "te",
        }
    ),
    "sw": frozenset(
        {
            "na",
            "ya",
            "wa",
            "ni",
            "kwa",
            "za",
            "la",
            "katika",
            "je",
            "nini",
            "jinsi",
            "gani",
            "mimi",
            "wewe",
            "yangu",
            "hii",
            "kama",
        }
    ),
}
_WORD = re.compile(r"[a-z']+")


def guess_language(folded: str) -> str | None:
    """The language whose function words the folded text uses most (two at least, and more than any other)."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(folded):
        for language, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, best_count), (_, runner_up) = ranked[0], ranked[1]
    if best_count >= 2 and best_count > runner_up:
        return best
    return None


# Words that, just before a match, turn it into a warning, a refutation or reported speech ("never mix ...",
# "the myth that ..."): teaching content, not the harm itself.
_DAMPERS = compile_pattern(
    r"\b(?:never|do not|don't|dont|avoid|must not|should not|shouldn't|myth|false|wrongly|untrue|not true|"
    r"stereotype|prejudice|claimed|racists? (?:say|said|claim)|propaganda|refuted?|dangerous|illegal|"
    r"the word|the term|the slur|so-called|were called|was called|known as|falsely|conspiracy|"
    r"jamais|ne pas|n'est pas|mythe|faux|prejuge|stereotype|propagande|"
    r"nunca|nao|mito|falso|preconceito|estereotipo|propaganda|"
    r"moenie|nooit|vals|"
    r"usi|kamwe|uongo)\b"
)


def is_dampened(folded: str, start: int, window: int = 48) -> bool:
    """Whether a negation, warning or refutation comes shortly before `start` in the same sentence."""
    before = folded[max(0, start - window) : start]
    for stop in ".!?\n":
        cut = before.rfind(stop)
        if cut != -1:
            before = before[cut + 1 :]
    return _DAMPERS.search(before) is not None


def leading_literals(pattern: str) -> tuple[str, ...]:
    """Strings one of which every match of `pattern` starts with; () when that cannot be said.

    Reads the parsed pattern (the stdlib parser `re.compile` uses): literals, groups, alternations and optional
    items are followed for up to `_ANCHOR_LENGTH` characters. Only strings of two characters or more are worth
    checking; a pattern that may start with anything (a class, `\\w`, a digit) gets no anchors and always runs.
    """
    try:
        parsed = _RE_PARSER.parse(pattern)
    except re.error:
        return ()
    anchors = _leads(list(parsed), _ANCHOR_LENGTH)
    if not anchors or len(anchors) > _MAX_ANCHORS or any(len(anchor) < 2 for anchor in anchors):
        return ()
    # "kill" covers "killing": keep only anchors that no shorter anchor is a prefix of.
    kept: list[str] = []
    for anchor in sorted(set(anchors)):
        if not kept or not anchor.startswith(kept[-1]):
            kept.append(anchor)
    return tuple(kept)


_ANCHOR_LENGTH = 6
_MAX_ANCHORS = 256


def _leads(items: list[Any], budget: int) -> list[str] | None:
    """Prefixes (up to `budget` characters) of every string the sequence `items` can match; None: unknown."""
    constants = _RE_CONSTANTS
    if budget <= 0 or not items:
        return [""]
    op, argument = items[0]
    rest = items[1:]
    if op is constants.AT:
        return _leads(rest, budget)
    if op is constants.LITERAL:
        tails = _leads(rest, budget - 1)
        char = chr(argument)
        return [char] if tails is None else [char + tail for tail in tails]
    if op is constants.SUBPATTERN:
        return _leads(list(argument[-1]) + rest, budget)
    if op is constants.BRANCH:
        anchors: list[str] = []
        for branch in argument[1]:
            lead = _leads(list(branch) + rest, budget)
            if lead is None:
                return None
            anchors.extend(lead)
            if len(anchors) > _MAX_ANCHORS:
                return None
        return anchors
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
        low, _high, body = argument
        repeated = _leads(list(body), budget)
        if low > 0:
            return repeated
        skipped = _leads(rest, budget)
        if repeated is None or skipped is None:
            return None
        return repeated + skipped
    return None


# Marks a pattern that continues a request for means ("how do I", "help me", "comment", "como" ...): such patterns are
# matched anchored right after each request phrase found once per text, instead of scanning the text again each.
ASK = "\x00ASK\x00"


@dataclass(frozen=True)
class Rule:
    """A detector rule: a match of any pattern is a finding (when `triggers` are given, only if one occurs).

    Each pattern is gated by its own leading literals (`Pattern.anchors`), computed from the pattern itself, so a
    hand-written trigger list (which can miss a word the pattern accepts) is not needed.

    `patterns` are searched anywhere; `after_ask` are matched right after a request phrase (see `ASK`).
    """

    detector: str
    principle: str
    severity: int
    message: str
    triggers: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    after_ask: tuple[Pattern, ...] = ()
    dampened: bool = True


def rule(
    detector: str,
    principle: str,
    severity: int,
    message: str,
    *,
    patterns: Iterable[str],
    triggers: Iterable[str] = (),
    dampened: bool = True,
) -> Rule:
    anywhere = []
    after_ask = []
    for pattern in patterns:
        if pattern.startswith(ASK):
            after_ask.append(Pattern.compile(pattern.removeprefix(ASK)))
        else:
            anywhere.append(Pattern.compile(pattern))
    return Rule(
        detector=detector,
        principle=principle,
        severity=severity,
        message=message,
        triggers=tuple(triggers),
        patterns=tuple(anywhere),
        after_ask=tuple(after_ask),
        dampened=dampened,
    )


class _Requests:
    """The request phrases of one text, found once, on first need."""

    def __init__(self, folded: str, phrase: re.Pattern[str] | None) -> None:
        self._folded = folded
        self._phrase = phrase
        self._spans: list[tuple[int, int]] | None = None

    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            if self._phrase is None:
                self._spans = []
            else:
                self._spans = [match.span() for match in self._phrase.finditer(self._folded)]
        return self._spans


def _first_match(folded: str, current: Rule, requests: _Requests) -> tuple[int, int] | None:
    for pattern in current.patterns:
        for match in pattern.finditer(folded):
            if not (current.dampened and is_dampened(folded, match.start())):
                return match.span()
    if current.after_ask:
        for start, end in requests.spans():
            for pattern in current.after_ask:
                anchored = pattern.match(folded, end)
                if anchored is not None and not (current.dampened and is_dampened(folded, start)):
                    return start, anchored.end()
    return None


def apply_rules(folded: str, rules: Sequence[Rule], *, request_phrase: re.Pattern[str] | None = None) -> list[Finding]:
    """Findings of the rules whose triggers occur in the folded text (one finding per rule: its first match)."""
    findings = []
    requests = _Requests(folded, request_phrase)
    for current in rules:
        if current.triggers and not any(trigger in folded for trigger in current.triggers):
            continue
        span = _first_match(folded, current, requests)
        if span is not None:
            findings.append(
                Finding(
                    detector=current.detector,
                    principle=current.principle,
                    severity=current.severity,
                    start=span[0],
                    end=span[1],
                    replacement=None,
                    message=current.message,
                )
            )
    return findings
