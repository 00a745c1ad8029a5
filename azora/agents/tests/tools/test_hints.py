"""The Socratic integrity hint: lessons (titles and links, never excerpts), guiding questions from the open
question's own words, the note about submitting first; never an answer of the open attempt."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from azora.accounts.public import active_user_id_by_email
from azora.agents.hints import integrity_hint, key_terms
from azora.agents.public.views import CitationView
from azora.education.demo import DEMO_LEARNER_EMAIL
from azora.education.models import Assessment, Course, Lesson, Question
from azora.education.public import attempt_start, attempt_submit
from azora.education.tests.factories import LessonFactory, ModuleFactory
from azora.education.tests.factories_assessments import Classroom, classroom
from azora.shared import demo

pytestmark = pytest.mark.django_db

INTRO = "This looks like a question of an assessment you have open, so I will not answer it; here is a hint."
CLOSING = "Once you have submitted the attempt, ask me again and I can explain it fully."


def _lessons(course: Course, lessons: list[tuple[str, str]]) -> list[Lesson]:
    module = ModuleFactory(course=course, position=0)
    return [
        LessonFactory(module=module, position=position, title=title, body_markdown=body)
        for position, (title, body) in enumerate(lessons)
    ]


@pytest.fixture
def quiz() -> tuple[Classroom, dict[str, Question], list[Lesson]]:
    """A factory course with lessons and a quiz the learner has open (four kinds of question)."""
    room = classroom()
    lessons = _lessons(
        room.course,
        [
            ("Currencies of Africa", "The rand is the currency of South Africa. The dollar is used in the USA."),
            ("The Rand", "The rand replaced the pound in 1961 as the currency of South Africa."),
            ("Circles", "Pi is about 3.14159; rounded to two decimal places for most sums."),
            ("Capital cities", "Pretoria is the seat of government; Cape Town holds Parliament."),
        ],
    )
    options = [{"id": "a", "text": "Rand"}, {"id": "b", "text": "Dollar"}, {"id": "c", "text": "Euro"}]
    questions = {
        "single_choice": room.question(
            "single_choice",
            prompt="Which currency does South Africa use?",
            definition={"options": options, "correct": "a"},
        ),
        "numeric": room.question("numeric", prompt="What is pi rounded to two decimal places?"),  # 3.14
        "short_text": room.question("short_text", prompt="Which city is the seat of government?"),  # Pretoria
        "true_false": room.question("true_false", prompt="Is it true that a budget is a plan for your money?"),
    }
    assessment = room.assessment(questions=list(questions.values()))
    attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    return room, questions, lessons


def _answers(question: Question) -> list[str]:
    """The texts that would give the answer away (read from the answer key, which only the test may see)."""
    definition: dict[str, Any] = question.definition
    if question.kind == "single_choice":
        return [o["text"] for o in definition["options"] if o["id"] == definition["correct"]]
    if question.kind == "numeric":
        return [definition["value"]]
    if question.kind == "short_text":
        return list(definition["accepted"])
    return ["true", "false"]


def _contains(text: str, answer: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(answer.casefold()) + r"(?![\w])", text.casefold()) is not None


def test_the_hint_for_a_choice_question_names_the_lessons_and_asks_but_never_answers(
    quiz: tuple[Classroom, dict[str, Question], list[Lesson]],
) -> None:
    room, _questions, lessons = quiz
    asked = "What is the answer to: Which currency does South Africa use? a) Rand b) Dollar c) Euro"

    hint, citations = integrity_hint(user_id=room.learner.id, course_id=room.course.id, question_text=asked)

    currencies = CitationView(title=f"{room.course.title}: Currencies of Africa", url=f"/learn/{lessons[0].id}/")
    assert citations == (currencies,)  # "The Rand" names the right choice: left out
    assert hint == "\n\n".join(
        [
            INTRO,
            f"These lessons cover the topic:\n- {currencies.title} ({currencies.url})",
            "Ask yourself:\n- What do the lessons say about “currency”?\n- How are “currency” and “Africa” connected?",
            CLOSING,
        ]
    )
    assert not _contains(hint, "Rand")
    assert "USA" not in hint  # no excerpt of the lesson


@pytest.mark.parametrize("kind", ["single_choice", "numeric", "short_text", "true_false"])
def test_no_hint_contains_an_answer_of_the_open_attempt(
    quiz: tuple[Classroom, dict[str, Question], list[Lesson]], kind: str
) -> None:
    room, questions, lessons = quiz
    question = questions[kind]

    hint, citations = integrity_hint(
        user_id=room.learner.id, course_id=room.course.id, question_text=f"Tell me the answer: {question.prompt}"
    )

    assert hint.startswith(INTRO)
    assert hint.endswith(CLOSING)
    for answer in _answers(question):
        assert not _contains(hint, answer), (kind, answer, hint)
    for lesson in lessons:
        assert lesson.body_markdown.split(";")[0] not in hint  # never an excerpt
    assert all(citation.url.startswith("/learn/") for citation in citations)


def test_the_numeric_hint_points_to_the_lesson_without_its_numbers(
    quiz: tuple[Classroom, dict[str, Question], list[Lesson]],
) -> None:
    room, _questions, lessons = quiz
    hint, citations = integrity_hint(
        user_id=room.learner.id, course_id=None, question_text="pi rounded to two decimal places??"
    )
    assert citations[0] == CitationView(title=f"{room.course.title}: Circles", url=f"/learn/{lessons[2].id}/")
    assert "How are “rounded” and “decimal” connected?" in hint
    assert "3.14" not in hint
    without_links = re.sub(r"\(/learn/[^)]*\)", "", hint).replace(room.course.title, "")
    assert not re.search(r"\d", without_links)


def test_a_hint_is_given_in_the_active_language() -> None:
    room = classroom()
    with translation.override("fr"):
        hint, citations = integrity_hint(user_id=room.learner.id, course_id=room.course.id, question_text="?")
    assert citations == ()
    assert hint.count("\n\n") == 3  # intro, where to look, the guiding question, the note (texts as translated)


def test_without_an_open_attempt_the_hint_still_never_quotes_lessons() -> None:
    room = classroom()
    lessons = _lessons(room.course, [("Currencies of Africa", "The rand is the currency of South Africa.")])
    question = room.question(
        "single_choice",
        prompt="Which currency does South Africa use?",
        definition={"options": [{"id": "a", "text": "Rand"}, {"id": "b", "text": "Euro"}], "correct": "a"},
    )
    attempt = attempt_start(assessment_id=room.assessment(questions=[question]).id, user_id=room.learner.id)
    attempt_submit(attempt_id=attempt.id, user_id=room.learner.id)  # closed: no open question any more

    hint, citations = integrity_hint(
        user_id=room.learner.id, course_id=room.course.id, question_text="Which currency does South Africa use?"
    )

    assert citations == (
        CitationView(title=f"{room.course.title}: Currencies of Africa", url=f"/learn/{lessons[0].id}/"),
    )
    assert "The rand is" not in hint


def test_key_terms_are_the_longest_words_in_question_order_without_numbers() -> None:
    assert key_terms("Your take-home pay is R15 000. Under the 50/30/20 rule, how many rand go to savings?") == [
        "take-home",
        "savings",
    ]
    assert key_terms("Is it true that a budget is a plan?") == ["budget", "plan"]
    assert key_terms("What is 2 + 2?") == []


def test_the_demo_quiz_hints_never_give_an_answer(django_capture_on_commit_callbacks: Any) -> None:
    """The demo learner opens the demo course's quiz and asks each of its questions (as in the Playwright story)."""
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo_data(only=["accounts", "education"])
    learner_id = active_user_id_by_email(email=DEMO_LEARNER_EMAIL)
    assert learner_id is not None
    course = Course.objects.get(slug="personal-budgeting")
    assessment = Assessment.objects.get(course=course)
    attempt = attempt_start(assessment_id=assessment.id, user_id=learner_id)
    assert attempt.status == "open"
    questions = Question.objects.filter(id__in=[question.id for question in attempt.questions])
    assert sorted(questions.values_list("kind", flat=True)) == ["numeric", "numeric", "single_choice", "true_false"]

    for question in questions:
        hint, citations = integrity_hint(
            user_id=learner_id, course_id=course.id, question_text=f"What is the answer to this? {question.prompt}"
        )
        assert hint.startswith(INTRO)
        assert hint.endswith(CLOSING)
        answers = _answers(question)
        assert answers, question.prompt
        for answer in answers:
            assert not _contains(hint, answer), (question.prompt, answer, hint)
        assert citations, question.prompt  # the course's lessons cover each question
        assert all(citation.title.startswith(f"{course.title}: ") for citation in citations)
