"""Which language a learner's message is in, and whether the platform serves it (pure; no dependency, no model).

Two signals, cheapest first:

1. **Script.** Every served language (en, fr, pt, af, sw) is written in the Latin script. A message whose letters
   are mostly of another script (Cyrillic, Arabic, Han, kana, Hangul, Devanagari, Greek, Hebrew, Thai, Ethiopic,
   ...) is not in a served language.
2. **Characteristic words.** For Latin-script text, each known language scores the words of the message that are
   among its frequent, characteristic words (function words, greetings, question words). The known languages are
   the five served ones and a few common Latin-script ones the platform does not serve (es, de, it, nl, zu, xh, id,
   tr, pl), so that "not served" is a positive finding, never a guess.

Benefit of the doubt: a short text (fewer than `MIN_WORDS` words), one where no language reaches `MIN_HITS`
characteristic words, or one where an unserved language does not clearly beat the best served one, counts as
served. Only a clear case is answered with "I do not speak this language yet".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

MIN_WORDS = 3  # shorter texts ("photosynthesis?", "ok", "Kofi!") are never judged
MIN_HITS = 2  # a language needs at least this many characteristic words to be named
MARGIN = 2.0  # an unserved language must score at least this many times the best served language ...
MIN_LEAD = 2  # ... and lead it by at least this many words

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent, characteristic words per language (accents folded, lower case). Words shared by several languages
# ("de", "la", "que", "en") count for each of them; the decision rests on the difference.


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORDS: dict[str, frozenset[str]] = {
    "en": _vocabulary(
        "a the is are was were what how why when where which who whom the and of to in it this that these those i you "
        "can could would should will do does did please explain with for my me an not dont doesnt help about have "
        "has be been there their they we our your from into than then also but if so"
    ),
    "fr": _vocabulary(
        "le la les des est et une un du pour que qui pas ne je tu il elle nous vous ce cette ces dans sur avec mais "
        "comment pourquoi quoi quel quelle quels tres aussi merci bonjour plait peux peut suis sont au aux qu "
        "ai mon ma mes son sa ses leur ou donc car etre avoir fait faire cest jai"
    ),
    "pt": _vocabulary(
        "o a os as do da dos das um uma com nao voce e sao como para mas muito tambem eu ele ela isso este esta "
        "porque quando obrigado obrigada ola posso preciso ao no na nos em que qual quais meu minha seu sua pode "
        "fazer explicar explica entender ajuda pelo pela"
    ),
    "af": _vocabulary(
        "die is nie ek jy het en van wat hoe kan ons hulle sy hy vir met om te my asseblief baie dankie nog ook "
        "maar hoekom waarom word gaan moet sal was daar hier dit n jou wil verduidelik help sien weet"
    ),
    "sw": _vocabulary(
        "ni na ya wa kwa za la katika hii huu je nini gani vipi sana habari tafadhali asante mimi wewe yeye sisi "
        "nataka ninaweza jinsi kuhusu hapana ndiyo kama lakini au pia hivyo kwamba hata bado ili sasa kila wakati "
        "naomba nisaidie eleza elezea nieleze unaweza kuna hiyo hizi"
    ),
    # Not served (by default): enough to recognise them with confidence.
    "es": _vocabulary(
        "el los las es por que como esta pero muy tambien puedo necesito hola y una del al lo mi su sus con "
        "para porque cuando donde gracias usted yo tu explicame ayudame quiero tengo hay"
    ),
    "de": _vocabulary(
        "der die das und ist nicht ich du ein eine einen fur auf warum bitte danke habe haben wir ihr mein dem "
        "den des zu auch oder aber wenn sehr noch wie was kann erklaren mir mich sind"
    ),
    "it": _vocabulary(
        "il lo gli della che e non sono per una come perche cosa mi ti ci questo questa anche ma molto grazie "
        "ciao posso sei del nel alla con piu spiegami voglio ho"
    ),
    "nl": _vocabulary(
        "de het een niet ik je jij is wat hoe zijn voor naar maar ook dat er zo bij uit worden heb hebben "
        "waarom alstublieft graag kunnen mijn mij zij wij geen deze welke wordt uitleggen"
    ),
    "zu": _vocabulary(
        "ngicela ngiyabonga ukuthi futhi kodwa yini kanjani ngani sawubona yebo cha mina wena thina ngoba uma "
        "kakhulu ngifuna ngingakwazi sicela ukuze lokhu lapho manje ngempela ngisize chaza"
    ),
    "xh": _vocabulary(
        "ndicela enkosi ukuba kodwa njani molo ewe hayi ndifuna kakhulu kwaye ngoku ndincede cacisa ndiyabulela "
        "into yintoni"
    ),
    "id": _vocabulary(
        "yang dan di ini itu dengan untuk tidak saya anda apa bagaimana mengapa kenapa adalah ada dari ke bisa "
        "tolong terima kasih jelaskan"
    ),
    "tr": _vocabulary(
        "bir ve bu ne nasil neden icin ile degil ben sen mi mu misin lutfen tesekkurler var yok ama cok acikla"
    ),
    "pl": _vocabulary("nie jest sie to jak dlaczego czy co na w z ze do jestem prosze dziekuje mam moze wyjasnij"),
}
KNOWN_LANGUAGES: tuple[str, ...] = tuple(_WORDS)

# Scripts by the first word of a letter's Unicode name, and the language a message in that script is most likely
# in (stored on the message; "" when a script is shared by many languages).
_SCRIPT_LANGUAGE = {
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "DEVANAGARI": "hi",
    "GREEK": "el",
    "HEBREW": "he",
    "THAI": "th",
    "ETHIOPIC": "am",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
}


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    """`language`: the ISO 639-1 code found ("" when unknown); `is_served`: whether the tutor answers it;
    `script`: the dominant script ("latin", "cyrillic", ...; "" without letters); `scores`: characteristic words
    found per language (only languages with at least one)."""

    language: str
    is_served: bool
    script: str
    scores: dict[str, int]
    reason: str


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def dominant_script(text: str) -> str:
    """The script of most of the text's letters, lower case ("latin", "cyrillic", "cjk", ...); "" without letters."""
    counts: Counter[str] = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        if ch.isascii():
            counts["LATIN"] += 1
            continue
        name = unicodedata.name(ch, "")
        counts[name.split(" ", 1)[0] if name else "OTHER"] += 1
    if not counts:
        return ""
    return counts.most_common(1)[0][0].lower()


def word_scores(text: str) -> dict[str, int]:
    """Characteristic words of each known language found in the text (apostrophes split words: "c'est")."""
    words = [_fold(match.group()) for match in _WORD.finditer(text.replace("'", " ").replace("\u2019", " "))]
    scores: dict[str, int] = {}
    for language, vocabulary in _WORDS.items():
        hits = sum(1 for word in words if word in vocabulary)
        if hits:
            scores[language] = hits
    return scores


def detect(text: str, *, served: Collection[str]) -> LanguageVerdict:
    """Which language `text` is in and whether it is one of `served` (see the module's docstring for the rule)."""
    served_set = {code.lower() for code in served}
    script = dominant_script(text)
    if script and script != "latin":
        letters = sum(1 for ch in text if ch.isalpha())
        if letters >= MIN_WORDS:
            language = _SCRIPT_LANGUAGE.get(script.upper(), "")
            return LanguageVerdict(
                language=language,
                is_served=language in served_set,
                script=script,
                scores={},
                reason=f"written in the {script} script",
            )
        return LanguageVerdict("", True, script, {}, "too short to tell")
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return LanguageVerdict("", True, script, {}, "too short to tell")
    scores = word_scores(text)
    if not scores or max(scores.values()) < MIN_HITS:
        return LanguageVerdict("", True, script, scores, "no language recognised")
    # Highest score first; ties go to a served language, then to the order of KNOWN_LANGUAGES.
    ranked = sorted(scores, key=lambda code: (-scores[code], code not in served_set, KNOWN_LANGUAGES.index(code)))
    best = ranked[0]
    if best in served_set:
        return LanguageVerdict(best, True, script, scores, f"{scores[best]} characteristic words of {best}")
    best_served = max((scores[code] for code in scores if code in served_set), default=0)
    if scores[best] >= MARGIN * best_served and scores[best] - best_served >= MIN_LEAD:
        return LanguageVerdict(best, False, script, scores, f"{scores[best]} characteristic words of {best}")
    fallback = next((code for code in ranked if code in served_set), "")
    return LanguageVerdict(fallback, True, script, scores, "no unserved language clearly ahead")
