"""The intent router (pure): which agent of the roster answers a learner's message, and why.

Each intent has keywords and phrases in the five served languages (en, fr, pt, af, sw). A message scores one point
per keyword and one and a half per phrase of several words (half that for tutoring's own keywords, since tutoring
is the default anyway), matched on whole words after folding case and accents.
The intent with the highest score wins; a tie, or no keyword at all, goes to tutoring (Elara, the default agent).
Naming an agent at the start of the message ("Kofi, ...", "Hi Themba: ...") or anywhere with an at sign ("@naledi")
routes to that agent whatever the intent. The roster comes in as plain data (`AgentFacts`), so the rule is tested
without a database; which agent serves an intent is the roster's `intents` list, never this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from azora.agents.public.views import RoutingView

TUTORING = "tutoring"
MONEY = "money"
CAREER = "career"
PLANNING = "planning"
MOTIVATION = "motivation"
HISTORY = "history"
INTENTS: tuple[str, ...] = (TUTORING, MONEY, CAREER, PLANNING, MOTIVATION, HISTORY)


@dataclass(frozen=True, slots=True)
class AgentFacts:
    """What the router needs of one active roster row."""

    slug: str
    name: str
    intents: tuple[str, ...]
    is_default: bool


# Keywords per intent, all five served languages together (folded: lower case, no accents).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    TUTORING: (
        # en
        "lesson", "lessons", "explain", "explanation", "quiz", "exercise", "homework", "understand", "example",
        "solve", "define", "definition", "meaning", "course", "chapter", "formula", "what is", "what are",
        "how does", "how do i calculate", "worked example",
        # fr
        "lecon", "expliquer", "explique", "exercice", "devoir", "comprendre", "exemple", "cours", "qu est ce que",
        # pt
        "licao", "aula", "explicar", "explica", "exercicio", "dever de casa", "entender", "exemplo", "o que e",
        # af
        "verduidelik", "oefening", "huiswerk", "verstaan", "voorbeeld", "wat is",
        # sw
        "somo", "eleza", "elezea", "nieleze", "zoezi", "kazi ya nyumbani", "kuelewa", "mfano", "ni nini",
    ),
    MONEY: (
        "money", "wallet", "my balance", "wallet balance", "azr", "reward", "rewards", "earn", "earned", "earning",
        "earnings", "payout", "savings", "save money", "budget", "budgeting", "spend", "spending", "cash out",
        "withdraw", "credit", "credit score", "credit bureau", "credit bureaus", "payment history", "debt", "loan",
        "loans", "interest rate", "token balance", "my tokens", "azr balance",
        "argent", "portefeuille", "solde", "recompense", "recompenses", "gagner", "epargne", "depenser",
        "dinheiro", "carteira", "saldo", "recompensa", "recompensas", "ganhar", "poupanca", "orcamento", "gastar",
        "geld", "beursie", "beloning", "belonings", "verdien", "spaar", "begroting", "spandeer",
        "pesa", "fedha", "mkoba", "salio", "zawadi", "tuzo", "akiba", "bajeti",
    ),
    CAREER: (
        "job", "jobs", "career", "careers", "cv", "resume", "interview", "employer", "employers",
        "hire", "hired", "hiring", "internship", "salary", "find work", "get a job", "skills for work",
        "portfolio", "linkedin", "apply for", "profession", "vacancy", "kind of work", "what work", "get work",
        "find a job", "werk kry", "soort werk", "kazi gani",
        "emploi", "carriere", "entretien", "embauche", "salaire", "metier", "trouver du travail",
        "emprego", "carreira", "curriculo", "entrevista", "estagio", "salario", "profissao", "vaga",
        "werk soek", "loopbaan", "beroep", "werkgewer", "salaris", "internskap", "onderhoud",
        "ajira", "taaluma", "wasifu", "mahojiano", "mshahara", "mwajiri", "kutafuta kazi",
    ),
    PLANNING: (
        "plan my", "make a plan", "a plan for", "planning", "schedule", "timetable", "study plan", "deadline",
        "deadlines", "time management",
        "routine", "organise", "organize", "how many hours", "when should i study", "revision plan", "calendar",
        "planifier", "emploi du temps", "calendrier", "echeance", "date limite", "organiser", "plan d etude",
        "plano de estudo", "cronograma", "horario", "prazo", "prazos", "organizar", "planejar", "planear",
        "beplanning", "skedule", "rooster", "sperdatum", "spertyd", "tydsbestuur", "beplan",
        "ratiba", "mpango wa kusoma", "tarehe ya mwisho", "kupanga",
    ),
    MOTIVATION: (
        "motivation", "motivated", "unmotivated", "procrastinate", "procrastinating", "procrastination",
        "keep failing", "i keep failing", "give up", "giving up", "overwhelmed", "stressed", "discouraged",
        "lazy", "no energy", "can t focus", "cannot focus", "failing", "i failed", "concentrate", "concentrating",
        "stay focused", "distracted", "concentre", "concentrer", "rester concentre", "concentrar", "konsentreer",
        "motive", "demotive", "abandonner", "decourage", "stresse", "j echoue",
        "motivacao", "motivado", "desmotivado", "procrastinar", "procrastinacao", "desistir", "estressado",
        "stressado", "continuo a falhar", "sempre falho",
        "motivering", "gemotiveer", "uitstel", "druip", "opgee", "moedeloos", "gestres",
        "motisha", "hamasa", "kukata tamaa", "nashindwa", "ninashindwa", "kuahirisha", "msongo",
    ),
    HISTORY: (
        "history", "historical", "story", "stories", "origin", "origins", "why did people", "who invented",
        "invented", "invention", "ancient", "ancestors", "tradition", "traditions", "culture", "long ago",
        "century", "empire", "kingdom", "civilisation", "civilization", "heritage", "come from", "came from",
        "legend", "myth", "what happened", "apartheid", "colonial", "colonialism", "independence", "liberation",
        "revolution", "massacre", "uprising", "who was", "who were", "public holiday", "qui etait", "quem foi",
        "wie was", "alikuwa nani",
        "histoire", "historique", "origine", "ancetres", "siecle", "royaume", "invente", "pourquoi les gens",
        "historia", "historico", "origem", "antepassados", "tradicao", "cultura", "seculo", "imperio", "reino",
        "inventou", "por que as pessoas",
        "geskiedenis", "storie", "verhaal", "oorsprong", "voorouers", "tradisie", "kultuur", "eeu", "uitgevind",
        "hadithi", "chimbuko", "asili", "mababu", "mila", "utamaduni", "karne", "ufalme", "ilivumbuliwa",
    ),
}  # fmt: skip

# The order in which a tie between non-tutoring intents is broken (tutoring always wins a tie it is part of).
_TIE_ORDER = (TUTORING, MOTIVATION, PLANNING, MONEY, CAREER, HISTORY)
_GREETING = r"(?:(?:hi|hey|hello|dear|bonjour|salut|ola|oi|hallo|hoi|habari|jambo|hujambo)\s+)?"


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-letters a single space (so "qu'est-ce" is "qu est ce")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))


def _weight(intent: str, word: str) -> float:
    # Tutoring is the default: its keywords only keep a lesson question from being taken by a passing topic word.
    weight = 1.5 if " " in word else 1.0
    return weight / 2 if intent == TUTORING else weight


def _compiled() -> dict[str, tuple[tuple[str, re.Pattern[str], float], ...]]:
    table: dict[str, tuple[tuple[str, re.Pattern[str], float], ...]] = {}
    for intent, words in _KEYWORDS.items():
        table[intent] = tuple(
            (word, re.compile(rf"(?<!\w){re.escape(fold(word))}(?!\w)"), _weight(intent, word)) for word in words
        )
    return table


_PATTERNS = _compiled()


def intent_scores(text: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each intent's score and the keywords that matched (intents with no match are left out)."""
    folded = fold(text)
    scores: dict[str, tuple[float, tuple[str, ...]]] = {}
    for intent, patterns in _PATTERNS.items():
        matched = [(word, weight) for word, pattern, weight in patterns if pattern.search(folded)]
        if matched:
            scores[intent] = (sum(weight for _, weight in matched), tuple(word for word, _ in matched))
    return scores


def addressed_agent(text: str, agents: Sequence[AgentFacts]) -> AgentFacts | None:
    """The agent the learner names at the start of the message (after a greeting) or with "@name" anywhere."""
    folded = fold(text.replace("@", " @ "))
    raw = text.casefold()
    for agent in agents:
        name = fold(agent.name)
        if not name:
            continue
        if re.match(rf"^{_GREETING}{re.escape(name)}(?!\w)", folded) or re.search(
            rf"@\s*{re.escape(agent.name.casefold())}(?!\w)", raw
        ):
            return agent
    return None


def classify(text: str) -> tuple[str, float, tuple[str, ...]]:
    """The message's intent, its score and the keywords behind it; tutoring with score 0 when nothing matched."""
    scores = intent_scores(text)
    if not scores:
        return TUTORING, 0.0, ()
    best_score = max(score for score, _ in scores.values())
    tied = [intent for intent in _TIE_ORDER if intent in scores and scores[intent][0] == best_score]
    intent = tied[0]
    return intent, best_score, scores[intent][1]


def route(text: str, agents: Sequence[AgentFacts]) -> RoutingView:
    """Which agent answers `text`: the one named, else the one whose roster intents hold the message's intent,
    else the default agent. `agents` are the active roster rows in roster order (one of them the default)."""
    if not agents:
        raise ValueError("The roster has no active agent.")
    default = next((agent for agent in agents if agent.is_default), agents[0])
    intent, score, keywords = classify(text)
    named = addressed_agent(text, agents)
    if named is not None:
        return RoutingView(
            intent=intent,
            agent_slug=named.slug,
            score=score,
            reasons=(_("addressed by name: %(name)s") % {"name": named.name},),
        )
    reasons: list[str] = []
    if keywords:
        reasons.append(_("intent %(intent)s from: %(words)s") % {"intent": intent, "words": ", ".join(keywords[:5])})
    else:
        reasons.append(_("no other agent's topic recognised; the default agent answers"))
    owner = next((agent for agent in agents if intent in agent.intents), None)
    if owner is None:
        if keywords:
            reasons.append(_("no active agent takes %(intent)s; the default agent answers") % {"intent": intent})
        owner = default
    return RoutingView(intent=intent, agent_slug=owner.slug, score=score, reasons=tuple(reasons))
