"""The demo catalogue as data: categories, courses, modules, lessons (Markdown) and one assessment per course.

Each category lives in its own module (money, technology, civics, work); `CATALOGUE` gathers them in order.
The content teaches something real: a learner who reads a demo course should come away knowing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

QuestionKind = Literal["single_choice", "multiple_choice", "true_false", "numeric", "short_text"]


@dataclass(frozen=True, slots=True)
class DemoLesson:
    title: str
    minutes: int
    body: str  # Markdown


@dataclass(frozen=True, slots=True)
class DemoModule:
    title: str
    summary: str
    lessons: tuple[DemoLesson, ...]


@dataclass(frozen=True, slots=True)
class DemoQuestion:
    """One question. Choice questions list `choices` and the indexes in `correct`; true/false has `correct`
    (0) for true or (1) for false over the choices ("True", "False"); numeric and short text give `answer`
    (and numeric a `tolerance`)."""

    kind: QuestionKind
    prompt: str
    choices: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    answer: str = ""
    tolerance: str = "0"
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class DemoAssessment:
    title: str
    questions: tuple[DemoQuestion, ...]
    passing_percent: int = 70


@dataclass(frozen=True, slots=True)
class DemoCourse:
    slug: str
    title: str
    category: str  # a slug of CATEGORIES
    summary: str
    description: str
    level: str
    tags: tuple[str, ...]
    estimated_hours: str
    modules: tuple[DemoModule, ...]
    assessment: DemoAssessment
    language: str = "en"


def true_false(prompt: str, *, is_true: bool, explanation: str = "") -> DemoQuestion:
    return DemoQuestion(
        "true_false", prompt, choices=("True", "False"), correct=(0 if is_true else 1,), explanation=explanation
    )


CATEGORIES: dict[str, str] = {
    "money-and-finance": "Money & finance",
    "technology": "Technology",
    "civics-and-law": "Civics & law",
    "work-and-career": "Work & career",
}


def catalogue() -> tuple[DemoCourse, ...]:
    """Every demo course, category by category."""
    from azora.education.demo_content import civics, money, technology, work

    return (*money.COURSES, *technology.COURSES, *civics.COURSES, *work.COURSES)
