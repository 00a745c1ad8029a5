"""Disclosure: an answer that claims to be written by a human or denies being an AI (honesty principle)."""

# ruff: noqa: E501 - each pattern reads best whole, on one line, beside its siblings

from __future__ import annotations

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.text import Rule, apply_rules, rule

RULES: tuple[Rule, ...] = (
    rule(
        "disclosure",
        "honesty",
        6,
        "The answer claims to be human or denies being an AI.",
        patterns=(
            r"\b(?:i am|i'm|im) (?:a |an )?(?:real |actual |living |flesh-and-blood |flesh and blood )?(?:human(?: being)?|person|man|woman|human tutor|human teacher|real teacher|real tutor)\b(?!(?:-| )(?:centred|centered|rights|like|readable|made|ai|assistant|language|resources))",
            r"\b(?:i am|i'm|im) not (?:an? )?(?:ai|a\.i\.|bot|chatbot|robot|machine|computer|program|language model|artificial intelligence|assistant program)\b",
            r"\bas a (?:real )?(?:human|person)(?: being)?,? i\b",
            r"\bi (?:am|'m) (?:definitely |really |actually )?not artificial",
            r"\b(?:i'm|i am) (?:typing|writing) this (?:myself|personally) (?:as a|from my)",
            # fr
            r"\bje suis (?:un |une )?(?:vrai |vraie |veritable )?(?:humain|humaine|etre humain|personne (?:reelle|humaine)|professeur humain)\b",
            r"\bje ne suis pas (?:une |un )?(?:ia|i\.a\.|intelligence artificielle|robot|bot|machine|programme|modele de langage)\b",
            # pt
            r"\b(?:eu )?sou (?:um |uma )?(?:ser humano|humano|humana|pessoa (?:real|de verdade)|professor humano|professora humana)\b",
            r"\b(?:eu )?nao sou (?:uma |um )?(?:ia|i\.a\.|inteligencia artificial|robo|bot|maquina|programa|modelo de linguagem)\b",
            # af / sw
            r"\bek is (?:'n )?(?:regte |ware )?(?:mens|persoon)\b",
            r"\bek is nie (?:'n )?(?:ki|kunsmatige intelligensie|robot|masjien|rekenaar)\b",
            r"\bmimi ni (?:binadamu|mtu halisi|mwanadamu)\b",
            r"\bmimi si (?:roboti|mashine|akili bandia|ai)\b",
        ),
        dampened=False,
    ),
)


def find_disclosure(folded: str) -> list[Finding]:
    """Disclosure findings in folded answer text."""
    return apply_rules(folded, RULES)
