"""`search_content`: passages of the courses the learner may read (enrolled, not revoked, or taught), the
conversation's course first; another learner's courses never appear."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.public.views import CitationView
from azora.agents.tests.tools.conftest import agent
from azora.agents.tests.tools.helpers import CourseAndLessons, course_about
from azora.agents.tools import NO_SOURCE_NOTE, gather
from azora.education.models import EnrollmentStatus
from azora.education.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

SEARCH = agent("search_content")


@pytest.fixture
def biology() -> CourseAndLessons:
    return course_about(
        "Biology",
        [
            ("Photosynthesis", "Plants use photosynthesis to turn sunlight into sugar in their leaves."),
            ("Cells", "Every living thing is made of cells."),
        ],
    )


@pytest.fixture
def botany() -> CourseAndLessons:
    return course_about(
        "Botany for experts",
        [("Leaf chemistry", "Chlorophyll in leaves absorbs sunlight for photosynthesis and makes sugar.")],
    )


def test_only_the_learners_own_courses_are_searched(biology: CourseAndLessons, botany: CourseAndLessons) -> None:
    course, lessons = biology
    other_course, _ = botany
    learner, other = UserFactory(), UserFactory()
    EnrollmentFactory(course=course, user=learner)
    EnrollmentFactory(course=other_course, user=other)

    context = gather(agent=SEARCH, user_id=learner.id, course_id=None, text="How does photosynthesis make sugar?")

    assert context.tools_used == ("search_content",)
    assert [passage.url for passage in context.passages] == [f"/learn/{lessons[0].id}/"]
    assert {passage.course_id for passage in context.passages} == {course.id}
    assert context.citations == (CitationView(title="Biology: Photosynthesis", url=f"/learn/{lessons[0].id}/"),)
    assert "Chlorophyll" not in context.as_prompt()
    assert "Botany" not in context.as_prompt()
    # The other learner finds only theirs.
    theirs = gather(agent=SEARCH, user_id=other.id, course_id=None, text="How does photosynthesis make sugar?")
    assert [citation.title for citation in theirs.citations] == ["Botany for experts: Leaf chemistry"]


def test_a_conversation_about_a_course_the_learner_may_not_read_searches_only_their_own(
    biology: CourseAndLessons, botany: CourseAndLessons
) -> None:
    course, _lessons = biology
    other_course, _ = botany
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    context = gather(agent=SEARCH, user_id=learner.id, course_id=other_course.id, text="photosynthesis sugar")
    assert {passage.course_id for passage in context.passages} == {course.id}


def test_a_revoked_enrolment_sees_nothing_and_the_context_says_there_is_no_source(biology: CourseAndLessons) -> None:
    course, _ = biology
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner, status=EnrollmentStatus.REVOKED)

    context = gather(agent=SEARCH, user_id=learner.id, course_id=course.id, text="photosynthesis sugar")

    assert context.passages == ()
    assert context.citations == ()
    assert context.searched is True
    assert context.has_sources is False
    assert str(NO_SOURCE_NOTE) in context.as_prompt()
    assert "Photosynthesis" not in context.as_prompt()


def test_an_instructor_finds_the_course_they_teach(biology: CourseAndLessons) -> None:
    course, lessons = biology
    teacher = course.created_by  # the factory's instructor; not enrolled
    context = gather(agent=SEARCH, user_id=teacher.id, course_id=course.id, text="What are cells?")
    assert [passage.url for passage in context.passages] == [f"/learn/{lessons[1].id}/"]


def test_the_conversations_course_comes_first(biology: CourseAndLessons, botany: CourseAndLessons) -> None:
    course, lessons = biology
    other_course, other_lessons = botany
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    EnrollmentFactory(course=other_course, user=learner)
    question = "Which chlorophyll photosynthesis in leaves makes sugar from sunlight?"

    plain = gather(agent=SEARCH, user_id=learner.id, course_id=None, text=question)
    about_biology = gather(agent=SEARCH, user_id=learner.id, course_id=course.id, text=question)

    assert [p.url for p in plain.passages] == [f"/learn/{other_lessons[0].id}/", f"/learn/{lessons[0].id}/"]
    assert [p.url for p in about_biology.passages] == [f"/learn/{lessons[0].id}/", f"/learn/{other_lessons[0].id}/"]


def test_as_prompt_numbers_the_passages_for_citation(biology: CourseAndLessons) -> None:
    course, lessons = biology
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    context = gather(agent=SEARCH, user_id=learner.id, course_id=course.id, text="photosynthesis sugar")
    url = f"/learn/{lessons[0].id}/"
    assert context.as_prompt() == (
        "Lesson passages from the learner's courses. Base the answer on them and cite them as [1], [2]:\n\n"
        f"[1] Biology: Photosynthesis ({url})\n"
        "Plants use photosynthesis to turn sunlight into sugar in their leaves."
    )


def test_a_learner_without_courses_gets_no_passage() -> None:
    context = gather(agent=SEARCH, user_id=UserFactory().id, course_id=None, text="photosynthesis")
    assert (context.passages, context.failures, context.tools_used) == ((), (), ("search_content",))
