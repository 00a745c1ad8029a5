"""Reads a quiz form into the answers the Education service expects, one per question, in the type its kind needs.

Field names: `q-<question id>` (one value, or several for multiple choice) and, for ordering questions,
`q-<question id>-<item id>` holding the position the learner gave that item. Nothing here scores anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

import azora.education.public as education


def field_name(question: education.AttemptQuestionView) -> str:
    return f"q-{question.id}"


def _ordering(question: education.AttemptQuestionView, data: QueryDict) -> tuple[list[str] | None, str | None]:
    items = [str(item["id"]) for item in question.content.get("items", [])]
    positions: dict[str, int] = {}
    for item_id in items:
        raw = data.get(f"{field_name(question)}-{item_id}", "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(items):
            return None, _("Give each item a place from 1 to %(count)d.") % {"count": len(items)}
        positions[item_id] = int(raw)
    if not positions:
        return None, None
    if len(positions) != len(items) or len(set(positions.values())) != len(items):
        return None, _("Give every item a different place, from 1 to %(count)d.") % {"count": len(items)}
    return sorted(items, key=lambda item_id: positions[item_id]), None


def answers_from_form(
    questions: Sequence[education.AttemptQuestionView], data: QueryDict
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answered questions' answers, and a message per question whose input cannot be read."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        name = field_name(question)
        key = str(question.id)
        if question.kind == "multiple_choice":
            chosen = data.getlist(name)
            if chosen:
                answers[key] = chosen
        elif question.kind == "true_false":
            raw = data.get(name, "")
            if raw in ("true", "false"):
                answers[key] = raw == "true"
            elif raw:
                errors[key] = _("Choose true or false.")
        elif question.kind == "ordering":
            order, error = _ordering(question, data)
            if error:
                errors[key] = error
            elif order is not None:
                answers[key] = order
        else:  # single choice, numeric, short text and free text arrive as text
            raw = data.get(name, "")
            if raw.strip():
                answers[key] = raw
    return answers, errors


def shown_answers(
    questions: Sequence[education.AttemptQuestionView], submitted: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What each field shows: the learner's just-sent input when a form comes back, else the saved answers."""
    shown: dict[str, Any] = {}
    for question in questions:
        key = str(question.id)
        value = submitted.get(key) if submitted is not None else question.answer
        if question.kind == "ordering" and isinstance(value, list):
            shown[key] = {item_id: index + 1 for index, item_id in enumerate(value)}
        elif question.kind == "true_false" and isinstance(value, bool):
            shown[key] = "true" if value else "false"
        elif question.kind == "multiple_choice":
            shown[key] = [str(item) for item in value] if isinstance(value, list | tuple) else []
        else:
            shown[key] = "" if value is None else str(value)
    return shown
