"""The constitution document: the repository's YAML parses, and invalid documents are refused with a reason."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from azora.constitution.document import REQUIRED_PRINCIPLES, DocumentInvalid, parse_document, repo_source


def _repo() -> dict[str, Any]:  # a YAML mapping
    data: dict[str, Any] = yaml.safe_load(repo_source())
    return data


def test_the_repository_constitution_is_valid_and_complete() -> None:
    document = parse_document(repo_source())
    assert document.version == 1
    assert [p.id for p in document.principles] == list(REQUIRED_PRINCIPLES)
    assert {p.id: p.weight for p in document.principles if p.weight} == {
        "ubuntu": 30,
        "privacy": 25,
        "safety": 20,
        "fairness": 25,
    }
    safety = document.principle("safety")
    assert safety is not None
    assert [h.id for h in safety.hazard_categories] == [
        "violent_crimes",
        "non_violent_crimes",
        "sexual_content",
        "child_exploitation",
        "self_harm",
        "hate",
        "harassment",
        "weapons",
        "dangerous_advice",
        "elections",
        "privacy",
    ]
    privacy = document.principle("privacy")
    assert privacy is not None
    assert {c.name for c in privacy.checks} >= {"pii.email", "pii.phone", "pii.card", "pii.za_id", "redact_output"}
    assert all(p.text and p.checks for p in document.principles)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(version=0), "'version' must be a whole number"),
        (lambda d: d["principles"].pop(5), "must keep the principles integrity"),
        (lambda d: d["principles"][0].update(weight=50), "'weight' must be 30"),
        (lambda d: d["principles"][2].update(weight=5), "only ubuntu, fairness, privacy, safety carry a weight"),
        (lambda d: d["principles"].append(dict(d["principles"][0])), "Principle ids must be unique: ubuntu"),
        (lambda d: d["principles"][1].update(checks=[]), "'checks' must list at least one check"),
        (lambda d: d["principles"][1]["checks"][0].update(rail="x"), "exactly one of detector, rail or process"),
        (lambda d: d["principles"][1].update(text=" "), "'text' must be a non-empty text"),
    ],
)
def test_invalid_documents_say_why(mutate, reason) -> None:  # type: ignore[no-untyped-def]
    data = _repo()
    mutate(data)
    with pytest.raises(DocumentInvalid, match=reason):
        parse_document(yaml.safe_dump(data))


def test_not_yaml_or_not_a_mapping() -> None:
    with pytest.raises(DocumentInvalid, match="not valid YAML"):
        parse_document("principles: [unclosed")
    with pytest.raises(DocumentInvalid, match="must be a mapping"):
        parse_document("- just a list")
