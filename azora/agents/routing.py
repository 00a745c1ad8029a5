"""The intent router (pure): which agent of the roster answers a learner's message, and why.

Three kinds of evidence, all in the five served languages (en, fr, pt, af, sw), matched on whole words after folding
case and accents and after a light stemming (so "withdrawing" meets "withdraw", "rewards" meets "reward", "gagnes"
meets "gagne"):

- cue words and phrases (`_KEYWORDS`): one point per word, one and a half per phrase of several words;
- the topic's wider vocabulary (`_FIELDS`, written from each topic's semantic field, never from evaluation
  wordings): half a point per word, three quarters per phrase, so that several related words add up;
- shapes of the message (`_shape_cues`): an amount of money ("R800", "200 rand") points to money; a year before
  2000 or a century points to history, and so does a proper name in a past-tense question or in "tell me about".

Tutoring's own cues count half, since tutoring is the default anyway. The intent with the highest score wins; a tie,
or no evidence at all, goes to tutoring (Elara, the default agent). Naming an agent at the start of the message
("Kofi, ...", "Hi Themba: ...") or anywhere with an at sign ("@naledi") routes to that agent whatever the intent.
The roster comes in as plain data (`AgentFacts`), so the rule is tested without a database; which agent serves an
intent is the roster's `intents` list, never this module. The blind and holdout splits of the evaluation
(azora/agents/evaluation/blind.yaml) measure it on wordings it was never fitted to: never add their phrases here.
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

# Each topic's wider vocabulary (folded), from its semantic field: the things, people, actions and feelings the topic
# is made of. Half a cue word: one alone never takes a message from the default agent, two together can.
_FIELDS: dict[str, tuple[str, ...]] = {
    MONEY: (
        # en: money itself, where it is kept, what it does
        "cash", "coin", "coins", "token", "tokens", "rand", "cent", "cents", "dollar", "price", "cost", "costs",
        "afford", "expensive", "cheap", "fee", "fees", "bank", "banking", "account balance", "deposit", "invest",
        "investment", "investing", "income", "allowance", "pocket money", "pay off", "pay back", "repay", "owe",
        "borrow", "lend", "lending", "overdraft", "store card", "credit card", "instalment", "put aside",
        "put away", "set aside", "put money", "make it last", "stretch", "broke", "bills", "financial", "finances",
        "tax", "transfer", "withdrawal", "collected", "balance", "paid", "pay", "receive", "received",
        # fr
        "jeton", "jetons", "banque", "compte", "payer", "dette", "emprunter", "preter", "economiser", "economies",
        "pieces", "frais", "prix", "revenu", "gagne",
        # pt
        "banco", "conta", "pagar", "divida", "emprestar", "emprestimo", "poupar", "moedas", "fichas", "preco",
        "custo", "renda", "transferir",
        # af
        "rekening", "bank", "betaal", "skuld", "leen", "munte", "prys", "koste", "inkomste", "oordrag",
        # sw
        "benki", "akaunti", "kulipa", "deni", "kukopa", "sarafu", "bei", "gharama", "mapato", "kuweka pesa",
        "hela",
    ),
    CAREER: (
        # en: work, the people and papers of getting it, the ways of earning a living
        "work", "workplace", "position", "role", "roles", "occupation", "company", "companies", "firm", "office",
        "recruiter", "recruiters", "recruit", "recruitment", "cover letter", "application", "apply", "applying",
        "promotion", "promoted", "freelance", "freelancer", "freelancing", "client", "clients", "gig", "gigs",
        "self employed", "become a", "work as", "working as", "worth becoming", "analyst", "developer",
        "engineer", "designer", "tester", "technician", "manager", "boss", "colleague", "colleagues", "industry",
        "field", "qualification", "qualifications", "references", "reference letter", "part time", "full time",
        "contract", "retrenched", "unemployed", "network", "networking", "weaknesses", "strengths",
        # fr
        "travail", "travailler", "stage", "poste", "entreprise", "recruteur", "candidature", "postuler",
        "lettre de motivation", "chomage", "devenir",
        # pt
        "trabalho", "trabalhar", "empresa", "cargo", "candidatura", "candidatar", "recrutador", "desempregado",
        "tornar me",
        # af
        "werk", "maatskappy", "pos", "aansoek", "werkloos", "programmeerder",
        # sw
        "kazi", "kampuni", "nafasi", "kuajiriwa", "mwajiri", "kuomba kazi",
    ),
    PLANNING: (
        # en: time, habits, goals
        "time", "week", "weekend", "every day", "every evening", "every morning", "each day", "daily", "hours",
        "minutes", "busy", "shift", "shifts", "fit in", "fit studying", "around my", "balance", "juggle",
        "goal", "goals", "target", "by december", "finish by", "remind", "reminder", "reminders", "habit",
        "habits", "streak", "where to begin", "where to start", "next week", "tests", "exams", "exam",
        "remember", "memorise", "memorize", "revise", "revision", "notes", "flashcards", "study tips",
        "best way to study", "studying", "split my",
        # en: feelings about studying
        "anxious", "anxiety", "nervous", "scared", "afraid", "panic", "tired", "exhausted", "burnt out",
        "burned out", "bored", "boring", "lost interest", "putting it off", "put it off", "keep delaying",
        "frustrated", "stupid", "hopeless", "sad", "worried", "worry", "confidence", "no motivation",
        "scrolling", "phone", "social media",
        # fr
        "temps", "semaine", "chaque jour", "chaque soir", "objectif", "habitude", "rappel", "examen", "examens",
        "reviser", "fatigue", "epuise", "envie", "peur", "stress", "ennuye", "etudier",
        # pt
        "tempo", "semana", "todos os dias", "objetivo", "meta", "habito", "lembrete", "exame", "provas",
        "cansado", "vontade", "medo", "ansioso", "estudar",
        # af
        "tyd", "week", "elke dag", "doel", "gewoonte", "eksamen", "toetse", "moeg", "bang", "sukkel", "leer",
        # sw
        "muda", "wiki", "kila siku", "lengo", "mtihani", "mitihani", "nimechoka", "uchovu", "hofu", "kusoma",
        "masomo",
    ),
    HISTORY: (
        # en: the past and how things began
        "past", "in the past", "years ago", "back then", "old days", "life like", "used to", "first ever",
        "began", "begin", "beginning", "start", "started", "how did", "why did",
        "role did", "struggle", "freedom", "war", "wars", "battle", "king", "queen", "chief", "colony",
        "settlers", "slavery", "trade", "pioneer", "pioneers", "ancient", "prehistoric", "archaeology",
        "monument", "museum", "heritage day", "celebrate", "commemorate", "word come from", "where does",
        "tell me about", "story of", "biography", "famous", "hero", "heroes", "leader", "leaders",
        # fr
        "autrefois", "passe", "guerre", "roi", "raconte", "raconte moi", "celebre", "commencer",
        # pt
        "passado", "guerra", "rei", "conta me", "famoso", "comecou",
        # af
        "verlede", "oorlog", "koning", "vertel my", "gebeur", "beroemd",
        # sw
        "zamani", "vita", "mfalme", "nisimulie", "simulia", "kuhusu", "maarufu",
    ),
}  # fmt: skip

# The order in which a tie between non-tutoring intents is broken (tutoring always wins a tie it is part of).
_TIE_ORDER = (TUTORING, MOTIVATION, PLANNING, MONEY, CAREER, HISTORY)
_GREETING = r"(?:(?:hi|hey|hello|dear|bonjour|salut|ola|oi|hallo|hoi|habari|jambo|hujambo)\s+)?"
_FIELD_WEIGHT = 0.5
# The least evidence that takes a message away from the default agent: one cue, one shape or two field words.
_MIN_SCORE = 1.0

# Message shapes. An amount of money: "R800", "R2 000", "$20", "200 rand", "50 AZR".
_AMOUNT = re.compile(
    r"(?<!\w)(?:[R$\u20ac\u00a3]\s?\d[\d \u00a0,.]*|\d[\d \u00a0,.]*\s?(?:rand|zar|usd|azr|dollars?|cents?)\b)"
)
# A year before 2000 ("1994", "in 1976") or a century ("the 1800s", "19th century").
_PAST_DATE = re.compile(r"(?<!\d)1\d{3}(?:s|'s)?(?!\d)|\b\d{1,2}(?:st|nd|rd|th)\s+century\b", re.IGNORECASE)
# Past tense and story requests in the served languages (folded words).
_PAST_MARKERS = frozenset(
    {"was", "were", "did", "happened", "founded", "built", "lived", "died", "etait", "fut", "foi", "era", "het",
     "gebeur", "alikuwa", "ilikuwa", "walikuwa"}
)  # fmt: skip
_STORY_MARKERS = ("tell me about", "story of", "raconte moi", "conta me", "vertel my", "nisimulie", "role did")
# Capitalised words that are not the name of a person, place or event of the past.
_NOT_NAMES = frozenset(
    {"i", "python", "html", "css", "javascript", "azora", "azr", "elara", "kofi", "naledi", "themba", "sankofa",
     "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
     "april", "may", "june", "july", "august", "september", "october", "november", "december", "english",
     "french", "ok", "okay", "thanks", "please", "hello", "hi", "good", "morning"}
)  # fmt: skip
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z\u00e0-\u00ff]+)")


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-letters a single space (so "qu'est-ce" is "qu est ce")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))


# Endings taken off a folded single word, longest first, leaving at least four letters: enough for plurals, tenses
# and the commonest derivations, without a stemmer's tables. Not "-er" ("career" is not "care"). Phrases of several
# words are matched as written (folded), so "what happened" keeps its tense.
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """A word's light stem: "withdrawing" is "withdraw", "rewards" is "reward", "gagnes" and "gagne" are "gagn"."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stemmed(text: str) -> str:
    return " ".join(stem(word) for word in fold(text).split())


def _weight(intent: str, word: str, *, field: bool = False) -> float:
    # Tutoring is the default: its keywords only keep a lesson question from being taken by a passing topic word.
    weight = 1.5 if " " in word else 1.0
    if field:
        weight *= _FIELD_WEIGHT
    return weight / 2 if intent == TUTORING else weight


def _compiled() -> dict[str, tuple[tuple[str, re.Pattern[str], float], ...]]:
    table: dict[str, list[tuple[str, re.Pattern[str], float]]] = {intent: [] for intent in _KEYWORDS}
    seen: dict[str, set[str]] = {intent: set() for intent in _KEYWORDS}
    sources = [(_KEYWORDS, False), (_FIELDS, True)]
    for words_of, field in sources:
        for intent, words in words_of.items():
            for word in words:
                key = _stemmed(word) if " " not in fold(word) else fold(word)
                if key in seen[intent]:  # "rewards" and "reward" are one cue once stemmed
                    continue
                seen[intent].add(key)
                pattern = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
                table[intent].append((word, pattern, _weight(intent, word, field=field)))
    return {intent: tuple(rows) for intent, rows in table.items()}


_PATTERNS = _compiled()


def _names(text: str) -> list[str]:
    """Capitalised words inside a sentence (not its first word) that may name a person, place or event."""
    return [word for word in _NAME.findall(text.strip()) if fold(word) not in _NOT_NAMES]


def _shape_cues(text: str, folded: str) -> list[tuple[str, str, float]]:
    cues: list[tuple[str, str, float]] = []
    if _AMOUNT.search(text):
        cues.append((MONEY, _("an amount of money"), 1.0))
    if _PAST_DATE.search(text):
        cues.append((HISTORY, _("a date in the past"), 1.0))
    words = set(folded.split())
    padded = f" {folded} "
    if _names(text) and (words & _PAST_MARKERS or any(f" {marker} " in padded for marker in _STORY_MARKERS)):
        cues.append((HISTORY, _("a name in a question about the past"), 1.0))
    return cues


def intent_scores(text: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each intent's score and the evidence that matched (intents with no match are left out)."""
    folded = fold(text)
    stemmed = _stemmed(text)
    scores: dict[str, tuple[float, tuple[str, ...]]] = {}
    for intent, patterns in _PATTERNS.items():
        matched = [
            (word, weight)
            for word, pattern, weight in patterns
            if pattern.search(folded if " " in word.strip() else stemmed)
        ]
        if matched:
            scores[intent] = (sum(weight for _, weight in matched), tuple(word for word, _ in matched))
    for intent, label, weight in _shape_cues(text, folded):
        score, words = scores.get(intent, (0.0, ()))
        scores[intent] = (score + weight, (*words, label))
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
    scores = {
        intent: found
        for intent, found in intent_scores(text).items()
        if intent == TUTORING or found[0] >= _MIN_SCORE  # a single word of a topic's wider vocabulary is not enough
    }
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
