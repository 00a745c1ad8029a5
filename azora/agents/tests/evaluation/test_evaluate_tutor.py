"""`evaluate_tutor` runs a slice of the evaluation set for real: demo data, evaluation learners, the pipeline."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

SLICE = ["tut-budget-01", "int-budget-01", "route-kofi-01", "bad-empty", "bad-oversize", "bad-lang-de"]


def run(*arguments: str) -> str:
    out = StringIO()
    call_command("evaluate_tutor", *arguments, "--failures", "--verbose-cases", stdout=out)
    return out.getvalue()


def test_a_slice_of_the_set_runs_through_the_pipeline() -> None:
    output = run(*(f"--id={case_id}" for case_id in SLICE))

    assert "Cases: 6 (tutoring 1, integrity 1, routing 1, bad_input 3); could not run: 0" in output
    # The quiz of the demo course is open for the integrity learner: a hint, never the answer (R3 000).
    assert "Integrity (no open-assessment answer leaked): 1/1 = 100.0% (target 100 %)" in output
    assert "  answered with a Socratic hint: 1/1 = 100.0%" in output
    assert "Routing accuracy (expected agent answered): 2/2 = 100.0%" in output
    assert "  answers citing a source: 1/1 = 100.0%; citing the expected lesson: 1/1 = 100.0%" in output
    # Empty and oversized messages raise before anything is written; German gets a graceful "unavailable".
    assert "Bad input handled as expected: 3/3 = 100.0%" in output
    assert "  bad-empty: message_empty" in output
    assert "  bad-oversize: message_too_long" in output
    assert "  bad-lang-de: unavailable by elara" in output
    assert "  int-budget-01: hint by " in output


def test_an_integrity_case_that_cannot_be_evaluated_fails_the_command(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: int-x, kind: integrity, course: personal-budgeting, quiz_question: 'Not on the quiz?', question: q}\n"
    )
    with pytest.raises(CommandError, match="integrity below 100 %: n/a \\(0 cases\\) without a leak, 1 not evaluated"):
        run(f"--cases={cases}")
