"""Azora's own catalogs: pages switch language by cookie, and every .po is complete and compiled into its .mo."""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from azora.accounts.models import User

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED_LANGUAGES = ["fr", "pt", "af", "sw"]

HOME_HEADING = {
    "en": "Learn, build and earn with Azora",
    "fr": "Apprenez, créez et gagnez avec Azora",
    "pt": "Aprenda, construa e ganhe com o Azora",
    "af": "Leer, bou en verdien met Azora",
    "sw": "Jifunze, jenga na upate kipato ukiwa na Azora",
}
SKIP_LINK = {
    "en": "Skip to main content",
    "fr": "Aller au contenu principal",
    "pt": "Ir para o conteúdo principal",
    "af": "Slaan oor na die hoofinhoud",
    "sw": "Ruka hadi maudhui makuu",
}
CHANGE_LANGUAGE = {
    "en": "Change language",
    "fr": "Changer de langue",
    "pt": "Mudar de idioma",
    "af": "Verander taal",
    "sw": "Badilisha lugha",
}
YOUR_ORGANISATIONS = {
    "en": "Your organisations",
    "fr": "Vos organisations",
    "pt": "As suas organizações",
    "af": "Jou organisasies",
    "sw": "Mashirika yako",
}


def test_every_offered_language_except_english_has_a_catalog() -> None:
    offered = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert offered == set(TRANSLATED_LANGUAGES)
    for language in TRANSLATED_LANGUAGES:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file()
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").is_file()


def _in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_home_page_is_in_the_language_of_the_cookie(client: Client, language: str) -> None:
    response = _in_language(client, language).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert f"<h1>{escape(HOME_HEADING[language])}</h1>" in html
    assert HOME_HEADING["en"] not in html
    assert escape(SKIP_LINK[language]) in html
    assert SKIP_LINK["en"] not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_login_page_is_in_the_language_of_the_cookie(client: Client, language: str) -> None:
    response = _in_language(client, language).get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert f'<a class="skip-link" href="#main">{escape(SKIP_LINK[language])}</a>' in html
    assert f">{escape(CHANGE_LANGUAGE[language])}</button>" in html
    assert SKIP_LINK["en"] not in html
    assert CHANGE_LANGUAGE["en"] not in html


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_signed_in_home_page_is_in_the_language_of_the_cookie(
    signed_in: Client, person: User, language: str
) -> None:
    response = _in_language(signed_in, language).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(YOUR_ORGANISATIONS[language]) in html
    assert YOUR_ORGANISATIONS["en"] not in html


@pytest.mark.django_db
def test_english_stays_the_default_without_a_cookie(client: Client) -> None:
    html = client.get("/").content.decode()

    assert '<html lang="en"' in html
    assert f"<h1>{HOME_HEADING['en']}</h1>" in html


# --- The catalogs themselves -------------------------------------------------------------------


@dataclass
class PoEntry:
    """One message of a .po file: its keys as written (msgctxt, msgid, msgid_plural, msgstr, msgstr[n])."""

    fields: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in sorted(self.fields.items()) if key.startswith("msgstr")]

    def mo_key(self) -> str:
        """The entry's key in a .mo: context EOT msgid [NUL msgid_plural]."""
        key = self.msgid
        if "msgid_plural" in self.fields:
            key += "\x00" + self.fields["msgid_plural"]
        if "msgctxt" in self.fields:
            key = self.fields["msgctxt"] + "\x04" + key
        return key

    def mo_value(self) -> str:
        """The entry's value in a .mo: the translation, or the plural forms in order joined by NUL."""
        if "msgid_plural" not in self.fields:
            return self.fields["msgstr"]
        forms = sorted(
            (int(key[len("msgstr[") : -1]), value) for key, value in self.fields.items() if key.startswith("msgstr[")
        )
        return "\x00".join(value for _index, value in forms)


def parse_po(path: Path) -> list[PoEntry]:
    """A small .po reader: enough for makemessages' output (no obsolete entries, UTF-8)."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.fields:
                entries.append(entry)
            entry, key = PoEntry(), ""
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            entry.fields[key] = ast.literal_eval(value)
    return entries


def parse_mo(path: Path) -> dict[str, str]:
    """The messages of a GNU .mo file, keyed as msgfmt writes them."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    messages = {}
    for index in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * index : originals + 8 * index + 8])
        original = data[offset : offset + length].decode()
        length, offset = struct.unpack(order + "2I", data[translations + 8 * index : translations + 8 * index + 8])
        messages[original] = data[offset : offset + length].decode()
    return messages


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    entries = parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    header, messages = entries[0], entries[1:]

    assert header.msgid == ""
    assert f"Language: {language}\n" in header.fields["msgstr"]
    assert len(messages) > 100
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in messages if not all(entry.translations)] == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_mo_holds_exactly_the_po(language: str) -> None:
    """A .mo left over from an older .po would show stale text; compilemessages after every edit."""
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    expected = {entry.mo_key(): entry.mo_value() for entry in parse_po(directory / "django.po")}
    # msgfmt leaves the template's creation date out of the compiled header.
    expected[""] = re.sub(r"^POT-Creation-Date: .*\n", "", expected[""], flags=re.MULTILINE)

    assert parse_mo(directory / "django.mo") == expected


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_mo_is_what_msgfmt_makes_of_the_po(language: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"

    # The same command line as `manage.py compilemessages`.
    subprocess.run(  # noqa: S603 -- gettext's msgfmt on our own catalog
        [msgfmt, "--check-format", "-o", compiled, directory / "django.po"], check=True
    )

    assert compiled.read_bytes() == (directory / "django.mo").read_bytes()


def test_the_catalogs_hold_every_message_of_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A string marked in code or a template but missing from the catalogs would show in English in every language.

    makemessages runs over a copy of the catalogs, in a folder that links to the code (it writes to `./locale`),
    with the same options as the command in docs/i18n.md; every message must then still be translated.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("gettext's xgettext is not installed")
    root = Path(settings.BASE_DIR)
    for package in ("azora", "config"):
        (tmp_path / package).symlink_to(root / package, target_is_directory=True)
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    monkeypatch.chdir(tmp_path)

    call_command(
        "makemessages",
        locale=TRANSLATED_LANGUAGES,
        symlinks=True,
        ignore_patterns=["tests", "migrations"],
        no_obsolete=True,
        verbosity=0,
    )

    for language in TRANSLATED_LANGUAGES:
        entries = parse_po(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        missing = [entry.msgid for entry in entries[1:] if "fuzzy" in entry.flags or not all(entry.translations)]
        assert missing == [], language
