"""The request firewall's rules: header count and size limits, and recognising SQL injection, XSS and path
traversal probes in a request's path, query string and small form bodies. Pure functions, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote_plus

Attack = Literal["sqli", "xss", "path_traversal"]
Confidence = Literal["high", "low"]
Place = Literal["path", "query", "body"]

# How many times percent-decoding is repeated: attackers double-encode ("%252e%252e%252f") to slip past
# filters that decode once.
_DECODE_ROUNDS = 3
# Longer values are cut before matching: the patterns need only a request's first few kilobytes to decide,
# and a megabyte of query string must not cost a megabyte of regex work.
_MAX_SCANNED = 8192

_SQL_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Pattern:
    attack: Attack
    confidence: Confidence
    name: str
    regex: re.Pattern[str]


def _p(attack: Attack, confidence: Confidence, name: str, regex: str) -> Pattern:
    return Pattern(attack=attack, confidence=confidence, name=name, regex=re.compile(regex))


# Each "high" pattern is something no legitimate request of this platform contains: a tautology right after a
# closing quote, UNION SELECT feeding columns, stacked DROP/TRUNCATE, timing functions with a number, a script
# element with code in it, an event handler inside a tag. "low" patterns are logged, never blocked: they also
# occur in lessons about programming and in people's searches ("how do I use <script>").
# The text is decoded, lower-cased, SQL comments become spaces and whitespace runs one space.
_SQLI = (
    _p(
        "sqli",
        "high",
        "quote_tautology",
        (
            r"['\"`]\s*(?:or|and|\|\||&&)\s+"  # a closing quote, then OR/AND
            r"['\"`]?(\w+)['\"`]?\s*(?:=|like)\s*['\"`]?\1\b"  # then x = x
        ),
    ),
    _p("sqli", "high", "quote_or_number", r"['\"`]\s*(?:or|and)\s+\d+\s*(?:=|<|>)\s*\d+"),
    _p(
        "sqli",
        "high",
        "union_select",
        (
            r"\bunion\s+(?:all\s+|distinct\s+)?select\s+"
            r"(?:null|\d+\s*,|@@|[\w.*]+\s*,|[\w.*()]+\s+from\b)"  # column lists, not prose
        ),
    ),
    _p(
        "sqli",
        "high",
        "stacked_query",
        (
            r";\s*(?:drop\s+(?:table|database|schema)|truncate\s+table|shutdown\b"
            r"|exec(?:ute)?\s+(?:xp_|sp_))"
        ),
    ),
    _p("sqli", "high", "timing", r"\b(?:sleep|pg_sleep|benchmark)\s*\(\s*\d|\bwaitfor\s+delay\s+'"),
    _p("sqli", "high", "catalog", r"\binformation_schema\s*\.|\bpg_catalog\s*\.|\bxp_cmdshell\b|\bload_file\s*\("),
    _p("sqli", "low", "quote_comment", r"['\"]\s*(?:--|#)\s*$|['\"]\s*;\s*--"),
    _p("sqli", "low", "bare_tautology", r"\bor\s+1\s*=\s*1\b"),
)
_XSS = (
    _p(
        "xss",
        "high",
        "script_code",
        (
            r"<\s*script\b[^>]*>[^<]*"
            r"(?:alert|prompt|confirm|eval|document\.|window\.|fetch\s*\(|atob\s*\()"
        ),
    ),
    _p("xss", "high", "script_src", r"<\s*script\b[^>]*\bsrc\s*="),
    _p(
        "xss",
        "high",
        "event_handler",
        (
            r"<\s*(?:img|svg|body|iframe|video|audio|details|input|a|div|style|marquee|object)\b"
            r"[^>]*?[\s/\"']on[a-z]{3,}\s*="  # an on* attribute inside the tag
        ),
    ),
    _p("xss", "high", "javascript_url", r"javascript\s*:\s*(?:alert|prompt|confirm|eval|document\.|window\.)"),
    _p("xss", "low", "script_tag", r"<\s*/?\s*script\b|<\s*iframe\b"),
    _p("xss", "low", "cookie_theft", r"document\s*\.\s*cookie"),
)
_TRAVERSAL_QUERY = (
    _p("path_traversal", "high", "deep_traversal", r"(?:\.\.[/\\]){2,}"),
    _p(
        "path_traversal",
        "high",
        "system_file",
        (r"\.\.[/\\].*(?:etc[/\\](?:passwd|shadow|hosts)|win\.ini|boot\.ini|proc[/\\]self)"),
    ),
    _p("path_traversal", "high", "overlong_dot", r"%c0%ae|%c0%af|%c1%9c|%e0%80%ae"),
    _p("path_traversal", "high", "null_byte", r"\x00"),
    _p("path_traversal", "low", "traversal", r"(?:^|[/\\=])\.\.[/\\]"),
    _p("path_traversal", "low", "system_path", r"(?:^|[/=])etc/(?:passwd|shadow)\b"),
)
# A browser never sends "/../" in a path (it resolves dot segments first), so in the path one is enough.
_TRAVERSAL_PATH = (
    _p("path_traversal", "high", "dot_segment", r"(?:^|/)\.\.(?:/|$)|(?:^|[/\\])\.\.\\"),
    *_TRAVERSAL_QUERY,
)

PATTERNS: Mapping[Place, tuple[Pattern, ...]] = {
    "path": (*_TRAVERSAL_PATH, *_XSS),
    "query": (*_SQLI, *_XSS, *_TRAVERSAL_QUERY),
    # Bodies carry Markdown lessons, messages and notes: relative links are common there, traversal is not looked for.
    "body": (*_SQLI, *_XSS),
}


@dataclass(frozen=True, slots=True)
class Finding:
    attack: Attack
    confidence: Confidence
    pattern: str
    place: Place


@dataclass(frozen=True, slots=True)
class HeaderVerdict:
    count: int
    size: int
    too_many: bool
    too_large: bool

    @property
    def exceeded(self) -> bool:
        return self.too_many or self.too_large


def header_verdict(meta: Mapping[str, object], *, max_headers: int, max_bytes: int) -> HeaderVerdict:
    """The request's header count and size (name + value bytes) against the limits; WSGI keeps headers in META
    as HTTP_*, with Content-Type and Content-Length under their own names."""
    count = 0
    size = 0
    for key, value in meta.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            count += 1
            size += len(key) + len(value) if isinstance(value, str) else len(key)
    return HeaderVerdict(count=count, size=size, too_many=count > max_headers, too_large=size > max_bytes)


def normalised(raw: str) -> str:
    """Percent-decoded until stable (at most a few rounds), lower-cased, SQL comments and whitespace runs as one
    space: the form the patterns are written against."""
    text = raw[:_MAX_SCANNED]
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote_plus(text, errors="replace")
        if decoded == text:
            break
        text = decoded
    text = _SQL_COMMENT.sub(" ", text.lower())
    return _SPACES.sub(" ", text)


def _raw_lower(raw: str) -> str:
    return raw[:_MAX_SCANNED].lower()


def scan(text: str, *, place: Place) -> list[Finding]:
    """Every pattern of `place` that matches `text` (already percent-encoded or not)."""
    if not text:
        return []
    decoded = normalised(text)
    raw = _raw_lower(text)
    found: list[Finding] = []
    seen: set[Attack] = set()
    # Patterns are listed strongest first; one finding per attack is enough to decide and to log.
    for pattern in PATTERNS[place]:
        if pattern.attack in seen:
            continue
        # The overlong-UTF-8 pattern looks at the raw text: decoding turns those bytes into replacement characters.
        subject = raw if pattern.name == "overlong_dot" else decoded
        if pattern.regex.search(subject):
            seen.add(pattern.attack)
            found.append(
                Finding(attack=pattern.attack, confidence=pattern.confidence, pattern=pattern.name, place=place)
            )
    return found


def inspect(*, path: str, query: str, body: str = "") -> list[Finding]:
    """Findings for a request's path (decoded, as Django sees it), raw query string and small form body."""
    return [*scan(path, place="path"), *_scan_query(query), *scan(body, place="body")]


def _scan_query(query: str) -> list[Finding]:
    if not query:
        return []
    # Parameter names and values are matched one by one: "q=a'&x=or 1=1" is two harmless values, not one probe.
    findings: list[Finding] = []
    for part in query.split("&"):
        findings.extend(scan(part.partition("=")[2] or part, place="query"))
    return _unique(findings)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def is_blocking(findings: Iterable[Finding]) -> bool:
    """High-confidence findings outside bodies block (when blocking is on); bodies are only logged, because
    lessons and messages legitimately quote attacks."""
    return any(finding.confidence == "high" and finding.place != "body" for finding in findings)
