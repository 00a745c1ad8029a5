"""Personal-data detectors: pure functions that find personal data in a text and say how to redact it.

Cheap checks first: a regular expression finds candidates, then a checksum or parser confirms them (Luhn for
card numbers and South African ID numbers, the SA ID's date of birth and citizenship digit, `phonenumbers` for
telephone numbers, ISO 7064 mod 97 for IBANs). Numbers that fail their checksum are not reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import phonenumbers

from azora.constitution.rails.detectors.findings import Finding

PRIVACY = "privacy"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
# A run of digits with the separators people type inside numbers (spaces, dashes, dots, slashes, brackets).
_NUMBER_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d \t().\-/]{4,24}\d(?![\w])")
_ZA_ID = re.compile(r"(?<![\d])\d{6}[ -]?\d{4}[ -]?\d{2}[ -]?\d(?![\d])")
_CARD = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_ACCOUNT_CONTEXT = re.compile(
    r"(?i)(?:bank\s*account|account\s*(?:number|no\.?|nr\.?|#)|acc(?:ount)?\.?\s*no\.?|a/c(?:\s*no\.?)?|"
    r"cheque\s+account|savings\s+account|current\s+account|account|"
    r"(?:bank)?rekening(?:nommer|\s*nr\.?|\s*no\.?)?|"
    r"num[ée]ro\s+de\s+compte|compte(?:\s+bancaire)?(?:\s+n[°o]\.?)?|\bRIB\b|"
    r"n[úu]mero\s+d[ae]\s+conta|conta(?:\s+banc[áa]ria)?(?:\s+n[.ºo°]*)?|\bNIB\b|"
    r"(?:nambari\s+ya\s+)?akaunti(?:\s+ya\s+benki)?)"
    r"[^\d\n]{0,24}?(?<![R$€£])(?P<number>\d[\d \-]{4,22}\d)(?![\d])"
)
# Cheap gate for `_ACCOUNT_CONTEXT` (lower case): one of these words must occur.
_ACCOUNT_WORDS = ("acc", "a/c", "rekening", "compte", "rib", "conta", "nib", "akaunti")
_STREET_EN = (
    r"Street|Road|Avenue|Drive|Lane|Crescent|Close|Way|Boulevard|Place|Terrace|Court"
    r"|(?:St|Rd|Ave|Dr|Ln|Cres|Blvd|Pl|Ct)\b\.?"
)
_ADDRESSES = (
    # English (SA, KE...): "12 Long Street", "45B Jan Smuts Ave", "Flat 3, 7 Main Rd".
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][a-z'\u2019-]+\s+){{1,3}}(?:{_STREET_EN})(?![A-Za-z])"),
    # Afrikaans compounds: "17 Kerkstraat", "3 Voortrekkerweg", "8 Eikelaan".
    re.compile(r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+)?[A-Z][a-z]+(?:straat|weg|laan|rylaan|singel)\b"),
    # Afrikaans / Dutch order, name then number: "Kerkstraat 17".
    re.compile(r"\b[A-Z][a-z]+(?:straat|weg|laan|rylaan|singel)\s+\d{1,5}[A-Za-z]?\b"),
    # French: "12 rue de la Paix", "5 bis, avenue Victor Hugo".
    re.compile(
        r"(?i)\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|all[ée]e|impasse|quai|place)"
        r"\s+(?:d[eu]\s+|de\s+la\s+|de\s+l['\u2019]|des\s+|du\s+)?[A-ZÀ-Ýa-zà-ÿ][\w'\u2019-]+(?:\s+[A-ZÀ-Ý][\w'\u2019-]+)*"
    ),
    # Portuguese: "Rua das Flores, 123", "Avenida da Liberdade n.º 45".
    re.compile(
        r"\b(?:Rua|Avenida|Av\.|Travessa|Largo|Praça|Estrada|Alameda)\s+(?:d[aoe]s?\s+)?[A-ZÀ-Ý][\w-]+"
        r"(?:\s+(?:d[aoe]s?\s+)?[A-ZÀ-Ý][\w-]+)*,?\s*(?:n\.?\s?[ºo°]\.?\s*)?\d{1,5}\b"
    ),
    # Swahili: "Nyumba namba 12, Mtaa wa Uhuru" / "Mtaa wa Moi, nyumba 4".
    re.compile(r"(?i)\bnyumba\s+(?:namba|nambari|na\.)?\s*\d{1,5},?\s+(?:mtaa|barabara)\s+(?:wa|ya)\s+\w+"),
    # Post boxes.
    re.compile(r"(?i)\b(?:P\.?\s?O\.?\s+Box|Posbus|Caixa\s+Postal|Bo[iî]te\s+postale|S\.\s?L\.\s?P\.?)\s*\d{1,6}\b"),
)

# Cheap gates (lower case) for each of `_ADDRESSES`, in the same order: one of the words must occur.
_ADDRESS_WORDS: tuple[tuple[str, ...], ...] = (
    (
        "street",
        "st",
        "road",
        "rd",
        "ave",
        "drive",
        "dr",
        "lane",
        "ln",
        "cres",
        "close",
        "way",
        "boulevard",
        "blvd",
        "place",
        "pl",
        "terrace",
        "court",
        "ct",
    ),
    ("straat", "weg", "laan", "singel"),
    ("straat", "weg", "laan", "singel"),
    ("rue", "av", "boulevard", "bd", "chemin", "all", "impasse", "quai", "place"),
    ("rua", "av", "travessa", "largo", "pra", "estrada", "alameda"),
    ("nyumba",),
    ("box", "posbus", "caixa", "postale", "s.l", "s. l"),
)
_SIX_DIGITS = re.compile(r"(?:\d\D*){6}")
_ANY_DIGIT = re.compile(r"\d")
_IBAN_START = re.compile(r"[A-Z]{2}\d{2}")
_PHONE_REGIONS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("ZA",),
    "af": ("ZA", "NA"),
    "fr": ("ZA", "FR"),
    "pt": ("ZA", "PT", "BR", "MZ", "AO"),
    "sw": ("ZA", "KE", "TZ"),
}
_CARD_PREFIXES = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|65|64[4-9]|62)")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by card numbers and South African ID numbers."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def za_id_valid(digits: str) -> bool:
    """A South African ID number: YYMMDD date of birth, gender digits, citizenship 0/1/2, then a Luhn check digit."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    year, month, day = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    # The century is not encoded; a valid date in either 19xx or 20xx (29 February needs a leap year) is accepted.
    if not any(_is_date(century + year, month, day) for century in (1900, 2000)):
        return False
    if digits[10] not in "012":
        return False
    return luhn_valid(digits)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def iban_valid(compact: str) -> bool:
    """ISO 13616 IBAN: country letters, two check digits, then mod 97 of the rearranged number equals 1."""
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def _finding(detector: str, severity: int, start: int, end: int, placeholder: str, message: str) -> Finding:
    return Finding(
        detector=detector,
        principle=PRIVACY,
        severity=severity,
        start=start,
        end=end,
        replacement=placeholder,
        message=message,
    )


def find_emails(text: str) -> list[Finding]:
    """Email addresses, redacted as "[email]"."""
    if "@" not in text:
        return []
    return [
        _finding("pii.email", 4, match.start(), match.end(), "[email]", "An email address.")
        for match in _EMAIL.finditer(text)
    ]


def find_za_ids(text: str) -> list[Finding]:
    """South African ID numbers with a valid date of birth, citizenship digit and check digit, as "[id number]"."""
    return [
        _finding("pii.za_id", 7, match.start(), match.end(), "[id number]", "A South African ID number.")
        for match in _ZA_ID.finditer(text)
        if za_id_valid(_digits(match.group()))
    ]


def find_cards(text: str) -> list[Finding]:
    """Payment card numbers (13-19 digits, a known issuer prefix, Luhn-valid), redacted as "[card number]"."""
    findings = []
    for match in _CARD.finditer(text):
        raw = match.group().rstrip(" -")
        digits = _digits(raw)
        if 13 <= len(digits) <= 19 and _CARD_PREFIXES.match(digits) and luhn_valid(digits):
            end = match.start() + len(raw)
            findings.append(_finding("pii.card", 7, match.start(), end, "[card number]", "A payment card number."))
    return findings


def find_bank_accounts(text: str) -> list[Finding]:
    """Bank account numbers named as such ("account number 1234567890", "conta n.º ...") and valid IBANs."""
    findings = []
    for match in _IBAN.finditer(text) if _IBAN_START.search(text) else ():
        if iban_valid(match.group().replace(" ", "")):
            findings.append(
                _finding("pii.bank_account", 6, match.start(), match.end(), "[bank account]", "A bank account (IBAN).")
            )
    lowered = text.lower()
    if not any(word in lowered for word in _ACCOUNT_WORDS):
        return findings
    for match in _ACCOUNT_CONTEXT.finditer(text):
        number = match.group("number").rstrip(" -")
        if 6 <= len(_digits(number)) <= 16:
            start = match.start("number")
            findings.append(
                _finding(
                    "pii.bank_account",
                    6,
                    start,
                    start + len(number),
                    "[bank account]",
                    "A bank account number.",
                )
            )
    return findings


# Toll-free, shared-cost and premium-rate numbers belong to services (helplines, call centres), not to persons.
_SERVICE_NUMBER_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
    }
)
_DECIMAL = re.compile(r"^\d+[.,]\d+$")
# Countries whose national numbers carry no trunk "0" (a bare 9-digit number may be a phone there).
_NO_TRUNK_PREFIX = frozenset({"PT", "MZ", "AO"})


def _valid_phone(candidate: str, regions: Iterable[str]) -> bool:
    if _DECIMAL.match(candidate):
        return False
    prefixed = candidate.startswith(("+", "0", "("))
    for region in regions:
        if not prefixed and region not in _NO_TRUNK_PREFIX:
            continue
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.number_type(number) not in _SERVICE_NUMBER_TYPES
    return False


def find_phones(text: str, *, language: str | None = None, taken: Iterable[tuple[int, int]] = ()) -> list[Finding]:
    """Telephone numbers valid for South Africa, or internationally with a + or 00 prefix (`phonenumbers`).

    The language adds its countries' national formats (fr: France, pt: Portugal, Brazil, Mozambique, Angola ...).
    Spans already `taken` by another finding (an ID or card number) are skipped.
    """
    regions = _PHONE_REGIONS_BY_LANGUAGE.get((language or "en")[:2].lower(), ("ZA",))
    occupied = list(taken)
    findings = []
    for match in _NUMBER_RUN.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in occupied):
            continue
        raw = match.group().rstrip(" \t.-/(")
        span = _longest_valid_phone(raw, regions)
        if span is None:
            continue
        start = match.start() + span[0]
        findings.append(_finding("pii.phone", 4, start, start + span[1], "[phone]", "A telephone number."))
    return findings


_GROUP_SPLIT = re.compile(r"[ \t./]+")


def _longest_valid_phone(raw: str, regions: tuple[str, ...]) -> tuple[int, int] | None:
    """(offset, length) of the longest prefix of `raw`, cut at a separator, that is a valid phone number."""
    digit_count = sum(ch.isdigit() for ch in raw)
    candidates = [raw] if 7 <= digit_count <= 17 else []
    # A number followed by other digits ("082 555 1234 2 times"): drop trailing groups one by one.
    cuts = [m.start() for m in _GROUP_SPLIT.finditer(raw)]
    for cut in reversed(cuts):
        prefix = raw[:cut].rstrip(" \t.-/(")
        if 7 <= sum(ch.isdigit() for ch in prefix) <= 17:
            candidates.append(prefix)
    for candidate in candidates:
        if _valid_phone(candidate, regions):
            return 0, len(candidate)
    return None


def find_addresses(text: str) -> list[Finding]:
    """Street addresses and post boxes (en, af, fr, pt, sw formats), redacted as "[address]"."""
    findings = []
    lowered = text.lower()
    for words, pattern in zip(_ADDRESS_WORDS, _ADDRESSES, strict=True):
        if not any(word in lowered for word in words):
            continue
        for match in pattern.finditer(text):
            findings.append(_finding("pii.address", 4, match.start(), match.end(), "[address]", "A postal address."))
    return findings


def find_personal_data(text: str, *, language: str | None = None) -> list[Finding]:
    """Every kind of personal data this module knows, in text order, without overlaps (the first kind wins)."""
    findings: list[Finding] = []
    if "@" in text:
        findings.extend(find_emails(text))
    if _SIX_DIGITS.search(text):
        findings.extend(_without_overlaps(find_za_ids(text), findings))
        findings.extend(_without_overlaps(find_cards(text), findings))
        findings.extend(_without_overlaps(find_bank_accounts(text), findings))
        findings.extend(find_phones(text, language=language, taken=[(f.start, f.end) for f in findings]))
    if _ANY_DIGIT.search(text):
        findings.extend(_without_overlaps(find_addresses(text), findings))
    return sorted(findings, key=lambda finding: (finding.start, finding.end))


def _without_overlaps(new: Iterable[Finding], existing: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for finding in new:
        if any(finding.start < other.end and other.start < finding.end for other in (*existing, *kept)):
            continue
        kept.append(finding)
    return kept
