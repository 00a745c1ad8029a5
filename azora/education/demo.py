"""Demo data of Azora Education: the catalogue of demo_content, taught by the demo instructor, and a learner's progress.

Loaded by `azora demo-data` (and every `azora run`) after the accounts loader; idempotent: a course is created
only when its slug is missing, enrolments and completed lessons are created only once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from azora.accounts.public import active_user_id_by_email
from azora.education.demo_content import CATEGORIES, DemoCourse, DemoQuestion, catalogue
from azora.education.models import (
    Assessment,
    Attempt,
    AttemptStatus,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    Question,
)
from azora.education.services import assessments, certificates, courses, enrollment, progress

DEMO_INSTRUCTOR_EMAIL = "instructor@azora.local"
DEMO_LEARNER_EMAIL = "learner@azora.local"
ALL_LESSONS = -1

# The demo learner's state: (course slug, how many lessons done, in course order; ALL_LESSONS completes it).
LEARNER_PROGRESS: tuple[tuple[str, int], ...] = (
    ("personal-budgeting", ALL_LESSONS),
    ("python-basics", 2),
    ("sa-constitution-introduction", 1),
    ("staying-safe-online", 0),
)


class DemoAccountsMissing(LookupError):
    """The education demo belongs to the demo accounts; run the accounts loader first."""


def _user_id(email: str) -> uuid.UUID:
    user_id = active_user_id_by_email(email=email)
    if user_id is None:
        raise DemoAccountsMissing(f"The demo account {email} does not exist; load the accounts demo data first.")
    return user_id


def _course_create(demo: DemoCourse, *, instructor_id: uuid.UUID) -> uuid.UUID:
    detail = courses.course_create(
        user_id=instructor_id,
        title=demo.title,
        slug=demo.slug,
        summary=demo.summary,
        description=demo.description,
        language=demo.language,
        level=demo.level,
        category=demo.category,
        tags=list(demo.tags),
        estimated_hours=Decimal(demo.estimated_hours),
    )
    for demo_module in demo.modules:
        module = courses.module_create(
            course_id=detail.id, user_id=instructor_id, title=demo_module.title, summary=demo_module.summary
        )
        for lesson in demo_module.lessons:
            courses.lesson_create(
                module_id=module.id,
                user_id=instructor_id,
                title=lesson.title,
                body_markdown=lesson.body,
                estimated_minutes=lesson.minutes,
            )
    return detail.id


def _option_id(index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[index]


def question_definition(question: DemoQuestion) -> dict[str, Any]:
    """The assessments area's definition of a demo question (grading.definition_parse form)."""
    options = [{"id": _option_id(index), "text": text} for index, text in enumerate(question.choices)]
    if question.kind == "single_choice":
        return {"options": options, "correct": _option_id(question.correct[0])}
    if question.kind == "multiple_choice":
        return {"options": options, "correct": [_option_id(index) for index in question.correct]}
    if question.kind == "true_false":
        return {"correct": question.correct == (0,)}
    if question.kind == "numeric":
        return {"value": question.answer, "tolerance": question.tolerance}
    return {"match": "casefold", "accepted": [question.answer]}


def correct_answer(kind: str, definition: dict[str, Any]) -> Any:
    """The right answer to a stored question, as a learner would send it (for the demo learner's passed quiz)."""
    if kind in {"single_choice", "multiple_choice", "true_false"}:
        return definition["correct"]
    if kind == "numeric":
        return definition["value"]
    return definition["accepted"][0]


def _assessment_ensure(demo: DemoCourse, *, course_id: uuid.UUID, instructor_id: uuid.UUID) -> None:
    if Assessment.objects.filter(course_id=course_id).exists():
        return
    question_ids = [
        assessments.question_create(
            course_id=course_id,
            user_id=instructor_id,
            kind=question.kind,
            prompt=question.prompt,
            definition=question_definition(question),
            feedback=question.explanation,
        ).id
        for question in demo.assessment.questions
    ]
    assessments.assessment_create(
        course_id=course_id,
        user_id=instructor_id,
        title=demo.assessment.title,
        description=f"Check what you learnt in “{demo.title}”. You pass with {demo.assessment.passing_percent}%.",
        question_ids=question_ids,
        passing_percent=demo.assessment.passing_percent,
    )


def _assessments_pass(*, course_id: uuid.UUID, learner_id: uuid.UUID) -> None:
    """The demo learner passes each assessment of the course they completed, with the right answers."""
    for assessment_id in Assessment.objects.filter(course_id=course_id).values_list("id", flat=True):
        passed = Attempt.objects.filter(
            assessment_id=assessment_id, user_id=learner_id, status=AttemptStatus.CLOSED, is_passed=True
        )
        if passed.exists():
            continue
        attempt = assessments.attempt_start(assessment_id=assessment_id, user_id=learner_id)
        stored = {
            str(question.id): correct_answer(question.kind, question.definition)
            for question in Question.objects.filter(id__in=[item.id for item in attempt.questions])
        }
        assessments.attempt_submit(attempt_id=attempt.id, user_id=learner_id, answers=stored)


def _course_ensure(demo: DemoCourse, *, instructor_id: uuid.UUID) -> uuid.UUID:
    existing = Course.objects.filter(slug=demo.slug).values_list("id", "status").first()
    course_id = existing[0] if existing else _course_create(demo, instructor_id=instructor_id)
    _assessment_ensure(demo, course_id=course_id, instructor_id=instructor_id)
    if existing is None or existing[1] == CourseStatus.DRAFT:
        courses.course_publish(course_id=course_id, user_id=instructor_id)
    return course_id


def _learner_progress_ensure(*, learner_id: uuid.UUID, course_ids: dict[str, uuid.UUID]) -> None:
    for slug, lesson_count in LEARNER_PROGRESS:
        course_id = course_ids[slug]
        enrolled = enrollment.enrollment_create(course_id=course_id, user_id=learner_id)
        lessons = list(Lesson.objects.filter(course_id=course_id).order_by("module__position", "position", "id"))
        done = lessons if lesson_count == ALL_LESSONS else lessons[:lesson_count]
        already = set(LessonProgress.objects.filter(enrollment_id=enrolled.id).values_list("lesson_id", flat=True))
        for lesson in done:
            # Completing a lesson again would move the learner's resume point and activity time: skip it.
            if lesson.id not in already:
                progress.lesson_complete(lesson_id=lesson.id, user_id=learner_id)
        if lesson_count == ALL_LESSONS:
            _assessments_pass(course_id=course_id, learner_id=learner_id)
            progress.course_completion_evaluate(user_id=learner_id, course_id=course_id)
            status = Enrollment.objects.filter(id=enrolled.id).values_list("status", flat=True).get()
            if status == EnrollmentStatus.COMPLETED:
                # The CourseCompleted subscriber issues it too, after commit; issuing is idempotent per enrolment,
                # so the demo has its certificate even when no worker runs the outbox.
                certificates.certificate_issue(enrollment_id=enrolled.id)


def load_demo_data() -> None:
    """Create the demo catalogue and the demo learner's progress; running it again changes nothing."""
    instructor_id = _user_id(DEMO_INSTRUCTOR_EMAIL)
    learner_id = _user_id(DEMO_LEARNER_EMAIL)
    for slug, name in CATEGORIES.items():
        courses.category_ensure(slug=slug, name=name)
    course_ids = {demo.slug: _course_ensure(demo, instructor_id=instructor_id) for demo in catalogue()}
    _learner_progress_ensure(learner_id=learner_id, course_ids=course_ids)
