"""Constitutional AI's data protection: the decisions on a person's texts are exported, and only theirs."""

from __future__ import annotations

import uuid

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.constitution import public as constitution
from azora.constitution.privacy import export_constitution_data

pytestmark = pytest.mark.django_db


def test_the_persons_decisions_are_exported() -> None:
    person = UserFactory()
    result = constitution.text_validate(text="What is a fraction?", role="input", user_id=person.id)
    constitution.text_validate(text="Hello", role="input", user_id=UserFactory().id)

    rows = export_constitution_data(person.id)["decisions"]

    assert [(row["id"], row["role"], row["passed"]) for row in rows] == [(result.decision_id, "input", True)]
    assert export_constitution_data(uuid.uuid4()) == {"decisions": []}
