"""The constitution as a document: parsing and validating its YAML into frozen dataclasses (pure, no database)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from azora.constitution.policy import WEIGHTS

REPO_DOCUMENT = Path(__file__).with_name("constitution.yaml")
REQUIRED_PRINCIPLES = ("ubuntu", "privacy", "honesty", "safety", "fairness", "integrity", "human_oversight")
MAX_DOCUMENT_BYTES = 200_000


class DocumentInvalid(ValueError):
    """The YAML is not a valid constitution; the message says what is wrong (safe to show an admin)."""


@dataclass(frozen=True, slots=True)
class Check:
    kind: str  # detector | rail | process
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class HazardCategory:
    id: str
    description: str


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    title: str
    text: str
    weight: int | None
    checks: tuple[Check, ...]
    hazard_categories: tuple[HazardCategory, ...] = ()


@dataclass(frozen=True, slots=True)
class ConstitutionDocument:
    version: int
    title: str
    principles: tuple[Principle, ...]

    def principle(self, principle_id: str) -> Principle | None:
        return next((p for p in self.principles if p.id == principle_id), None)


def _text(mapping: dict[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DocumentInvalid(f"{where}: '{key}' must be a non-empty text.")
    return value.strip()


def _check(raw: Any, where: str) -> Check:
    if not isinstance(raw, dict):
        raise DocumentInvalid(f"{where}: each check must be a mapping.")
    kinds = [kind for kind in ("detector", "rail", "process") if kind in raw]
    if len(kinds) != 1:
        raise DocumentInvalid(f"{where}: a check names exactly one of detector, rail or process.")
    return Check(kind=kinds[0], name=_text(raw, kinds[0], where), description=_text(raw, "description", where))


def _principle(raw: Any, index: int) -> Principle:
    where = f"principles[{index}]"
    if not isinstance(raw, dict):
        raise DocumentInvalid(f"{where} must be a mapping.")
    principle_id = _text(raw, "id", where)
    where = f"principle {principle_id!r}"
    weight = raw.get("weight")
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int)):
        raise DocumentInvalid(f"{where}: 'weight' must be a whole number.")
    if WEIGHTS.get(principle_id) != weight:
        expected = WEIGHTS.get(principle_id)
        raise DocumentInvalid(
            f"{where}: 'weight' must be {expected}, the weight the decision function uses."
            if expected is not None
            else f"{where}: only {', '.join(WEIGHTS)} carry a weight."
        )
    checks = raw.get("checks")
    if not isinstance(checks, list) or not checks:
        raise DocumentInvalid(f"{where}: 'checks' must list at least one check.")
    hazards_raw = raw.get("hazard_categories", [])
    if not isinstance(hazards_raw, list):
        raise DocumentInvalid(f"{where}: 'hazard_categories' must be a list.")
    hazards = tuple(
        HazardCategory(id=_text(h, "id", where), description=_text(h, "description", where))
        if isinstance(h, dict)
        else _raise(f"{where}: each hazard category must be a mapping.")
        for h in hazards_raw
    )
    return Principle(
        id=principle_id,
        title=_text(raw, "title", where),
        text=_text(raw, "text", where),
        weight=weight,
        checks=tuple(_check(c, f"{where} check {n}") for n, c in enumerate(checks)),
        hazard_categories=hazards,
    )


def _raise(message: str) -> HazardCategory:
    raise DocumentInvalid(message)


def parse_document(source: str) -> ConstitutionDocument:
    """The constitution in `source` (YAML), validated; raises DocumentInvalid with a readable reason."""
    if len(source.encode()) > MAX_DOCUMENT_BYTES:
        raise DocumentInvalid(f"The document is larger than {MAX_DOCUMENT_BYTES} bytes.")
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise DocumentInvalid(f"The document is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise DocumentInvalid("The document must be a mapping with version, title and principles.")
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DocumentInvalid("'version' must be a whole number of at least 1.")
    principles_raw = raw.get("principles")
    if not isinstance(principles_raw, list) or not principles_raw:
        raise DocumentInvalid("'principles' must list the principles.")
    principles = tuple(_principle(p, i) for i, p in enumerate(principles_raw))
    ids = [p.id for p in principles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DocumentInvalid(f"Principle ids must be unique: {', '.join(duplicates)}.")
    missing = [p for p in REQUIRED_PRINCIPLES if p not in ids]
    if missing:
        raise DocumentInvalid(f"The constitution must keep the principles {', '.join(missing)}.")
    return ConstitutionDocument(version=version, title=_text(raw, "title", "the document"), principles=principles)


def repo_source() -> str:
    return REPO_DOCUMENT.read_text(encoding="utf-8")


def source_sha256(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()
