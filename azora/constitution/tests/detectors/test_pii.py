"""Personal-data detectors: exact spans and placeholders, checksum decoys not reported."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.constitution.rails.detectors import Finding, detect_input, redact
from azora.constitution.rails.detectors.pii import (
    find_addresses,
    find_bank_accounts,
    find_cards,
    find_emails,
    find_personal_data,
    find_phones,
    find_za_ids,
    iban_valid,
    luhn_valid,
    za_id_valid,
)


def spans(text: str, findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.detector, text[f.start : f.end], f.replacement) for f in findings]


def test_email_span_and_placeholder() -> None:
    text = "Send it to thabo.mokoena+notes@uni.ac.za, please."
    findings = find_emails(text)
    assert spans(text, findings) == [("pii.email", "thabo.mokoena+notes@uni.ac.za", "[email]")]
    assert findings[0].principle == "privacy"
    assert "thabo" not in findings[0].message
    assert redact(text, findings) == "Send it to [email], please."


@pytest.mark.parametrize("text", ["Follow @AzoraLearn", "=SUM(@A1)", "user@localhost", "a @ b.com"])
def test_email_look_alikes_are_not_reported(text: str) -> None:
    assert find_emails(text) == []


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("Call me on 082 555 1234 tonight", None, "082 555 1234"),
        ("office: +27 21 650 9111.", None, "+27 21 650 9111"),
        ("whatsapp 0712345678 ok", None, "0712345678"),
        ("Nairobi: +254 712 345 678", None, "+254 712 345 678"),
        ("appelle le 06 12 34 56 78 stp", "fr", "06 12 34 56 78"),
        ("liga para o 912 345 678 amanhã", "pt", "912 345 678"),
        ("call 082 555 1234 2 times", None, "082 555 1234"),
    ],
)
def test_phone_numbers(text: str, language: str | None, number: str) -> None:
    findings = find_phones(text, language=language)
    assert spans(text, findings) == [("pii.phone", number, "[phone]")]


@pytest.mark.parametrize(
    "text",
    [
        "In 1994 there were 40 583 573 people",
        "The war lasted 1939-1945.",
        "pi is 3.14159265",
        "The SADAG helpline 0800 567 567 is free.",  # toll-free: a service, not a person
        "student number 219034567",
    ],
)
def test_numbers_that_are_not_personal_phones(text: str) -> None:
    assert find_phones(text) == []


def test_card_number_with_luhn_is_reported_and_decoy_is_not() -> None:
    text = "card 4111 1111 1111 1111 and 4111 1111 1111 1112"
    assert spans(text, find_cards(text)) == [("pii.card", "4111 1111 1111 1111", "[card number]")]


def test_card_needs_a_known_issuer_prefix() -> None:
    number = "9" * 15
    check = next(d for d in "0123456789" if luhn_valid(number + d))
    assert find_cards(f"ref {number}{check}") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ID 9202204720083 here", ["9202204720083"]),
        ("ID 050815 0123 083", ["050815 0123 083"]),
        ("leap 0002295123083", ["0002295123083"]),
        ("bad check digit 9202204720084", []),
        ("bad month 9913325009087", []),
        ("29 Feb 1999 9902295123085", []),
    ],
)
def test_south_african_id_numbers(text: str, found: list[str]) -> None:
    assert [text[f.start : f.end] for f in find_za_ids(text)] == found


def test_za_id_rules() -> None:
    assert za_id_valid("8801015801080")
    assert not za_id_valid("8801015801380")  # citizenship digit 3 does not exist (even with a valid Luhn digit)
    assert not za_id_valid("880101580108")


def test_id_number_is_not_also_a_card_or_phone() -> None:
    text = "ID 8801015801080."
    assert [f.detector for f in find_personal_data(text)] == ["pii.za_id"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("My FNB account number is 62845123456, thanks", "62845123456"),
        ("Capitec acc no 1452369874, branch 470010", "1452369874"),
        ("My rekeningnommer is 4056781234", "4056781234"),
        ("Mon numéro de compte est 00012345678.", "00012345678"),
        ("Nambari ya akaunti yangu ni 0150347865400", "0150347865400"),
        ("IBAN: FR14 2004 1010 0505 0001 3M02 606 merci", "FR14 2004 1010 0505 0001 3M02 606"),
        ("NIB MZ59000100000011834194157", "MZ59000100000011834194157"),
    ],
)
def test_bank_accounts(text: str, number: str) -> None:
    assert spans(text, find_bank_accounts(text)) == [("pii.bank_account", number, "[bank account]")]


@pytest.mark.parametrize(
    "text",
    [
        "My account balance went from R15 000 to R12 500",
        "IBAN FR14 2004 1010 0505 0001 3M02 607",  # mod 97 fails
        "the account was opened in 2019",
    ],
)
def test_bank_account_decoys(text: str) -> None:
    assert find_bank_accounts(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Deliver to 14 Vilakazi Street, Orlando West", "14 Vilakazi Street"),
        ("at Flat 5, 88 Jan Smuts Avenue, Rosebank", "88 Jan Smuts Avenue"),
        ("J'habite au 12 rue des Lilas, Paris", "12 rue des Lilas"),
        ("Moro na Rua Augusta, 145, Lisboa", "Rua Augusta, 145"),
        ("Ek bly by Kerkstraat 17, Stellenbosch", "Kerkstraat 17"),
        ("Ninaishi nyumba namba 24, Mtaa wa Lumumba.", "nyumba namba 24, Mtaa wa Lumumba"),
        ("Post to P.O. Box 4521, Polokwane", "P.O. Box 4521"),
    ],
)
def test_addresses(text: str, address: str) -> None:
    assert spans(text, find_addresses(text)) == [("pii.address", address, "[address]")]


def test_redact_every_kind_in_one_text() -> None:
    text = "Naledi: naledi@gmail.com, 076 123 4567, ID 8801015801080, card 4111111111111111, 14 Vilakazi Street."
    findings = detect_input(text, language="en")
    assert redact(text, findings) == "Naledi: [email], [phone], ID [id number], card [card number], [address]."


def test_redact_merges_overlapping_spans_and_ignores_non_redactable() -> None:
    text = "abcdefghij"
    overlapping = [
        Finding("pii.email", "privacy", 4, 2, 6, "[A]", "m"),
        Finding("pii.phone", "privacy", 4, 4, 8, "[B]", "m"),
        Finding("injection", "safety", 7, 0, 3, None, "m"),
    ]
    assert redact(text, overlapping) == "ab[A]ghij"


def _with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@settings(max_examples=50)
@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
def test_luhn_accepts_its_check_digit_and_rejects_any_other(body: str) -> None:
    number = _with_check_digit(body)
    assert luhn_valid(number)
    for other in "0123456789":
        if other != number[-1]:
            assert not luhn_valid(body + other)


@settings(max_examples=50)
@given(st.dates(), st.sampled_from("01"), st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_every_well_formed_za_id_is_found_in_text(born: dt.date, citizenship: str, serial: str) -> None:
    number = _with_check_digit(born.strftime("%y%m%d") + serial[:4] + citizenship + serial[4])
    assert za_id_valid(number)
    text = f"my id is {number}."
    assert spans(text, find_za_ids(text)) == [("pii.za_id", number, "[id number]")]


def test_iban_checksum() -> None:
    assert iban_valid("PT50000201231234567890154")
    assert not iban_valid("PT51000201231234567890154")
