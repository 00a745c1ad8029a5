"""The learning tools: the learner's progress, own grades and their explanation, and the next lessons to take."""

from __future__ import annotations

import uuid
from decimal import Decimal

from azora.agents.tools import ToolRequest, ToolResult, register_tool
from azora.education.errors import GradeNotFound
from azora.education.public import EnrollmentView, GradeView, enrollments_of, grade_for, next_lessons_for

# At most this many enrolments are described (most recent first; the conversation's course always first).
ENROLMENTS_SHOWN = 10
# Grades are computed on demand: without a course in the conversation, only this many courses are graded.
GRADED_COURSES = 3
NEXT_LESSONS = 3


def _enrolments(request: ToolRequest, *, limit: int) -> list[EnrollmentView]:
    """The learner's own enrolments (revoked ones left out), the conversation's course first."""
    items = enrollments_of(user_id=request.user_id, limit=limit).items
    return sorted(items, key=lambda item: item.course.id != request.course_id)


def _percent(value: Decimal | None) -> str:
    return "no grade yet" if value is None else f"{value.normalize():f}%"


def learner_progress(request: ToolRequest) -> ToolResult:
    enrolments = _enrolments(request, limit=ENROLMENTS_SHOWN)
    if not enrolments:
        return ToolResult(tool="learner_progress", ok=True, summary="The learner is not enrolled in any course yet.")
    lines = []
    for item in enrolments:
        progress = item.progress
        line = (
            f'"{item.course.title}" ({item.status}): {progress.percent}% done, '
            f"{progress.completed_required_lessons} of {progress.required_lessons} required lessons"
        )
        if item.resume_lesson_title and item.status != "completed":
            line += f', resume at "{item.resume_lesson_title}"'
        lines.append(line)
    return ToolResult(
        tool="learner_progress",
        ok=True,
        summary="Enrolled in: " + "; ".join(lines) + ".",
        data={"courses": [{"course_id": str(i.course.id), "percent": i.progress.percent} for i in enrolments]},
    )


def _own_grades(request: ToolRequest) -> list[tuple[str, GradeView]]:
    """(course title, the learner's own grade) of the conversation's course, or of their latest courses."""
    if request.course_id is not None:
        enrolments = [
            item for item in _enrolments(request, limit=ENROLMENTS_SHOWN) if item.course.id == request.course_id
        ]
    else:
        enrolments = _enrolments(request, limit=GRADED_COURSES)
    grades = []
    for item in enrolments[:GRADED_COURSES]:
        try:
            # viewer = the learner: only their own grade, never another learner's.
            grades.append((item.course.title, grade_for(user_id=request.user_id, course_id=item.course.id)))
        except GradeNotFound:
            continue
    return grades


def _no_grade(tool: str, request: ToolRequest) -> ToolResult:
    if request.course_id is not None:
        summary = "The learner has no grade in this conversation's course (not enrolled in it)."
    else:
        summary = "The learner is not enrolled in any course, so there is no grade."
    return ToolResult(tool=tool, ok=True, summary=summary)


def learner_grades(request: ToolRequest) -> ToolResult:
    grades = _own_grades(request)
    if not grades:
        return _no_grade("learner_grades", request)
    lines = [f'"{title}": {_percent(grade.percent)} ({grade.summary})' for title, grade in grades]
    return ToolResult(
        tool="learner_grades",
        ok=True,
        summary="Course grades: " + "; ".join(lines),
        data={"grades": [{"course_id": str(g.course_id), "percent": _percent(g.percent)} for _, g in grades]},
    )


def _explanation(title: str, grade: GradeView) -> str:
    lines = [f'"{title}": {_percent(grade.percent)}. {grade.summary}']
    lines += [f"  {line.explanation}" for line in grade.categories if line.explanation]
    lines += [f"  {line.explanation}" for line in grade.items if line.explanation]
    if grade.override is not None:
        lines.append(f"  set by an instructor (was {_percent(grade.override.old_percent)}): {grade.override.reason}")
    lines += [f"  rule: {rule}" for rule in grade.rules]
    return "\n".join(lines)


def explain_grade(request: ToolRequest) -> ToolResult:
    grades = _own_grades(request)
    if not grades:
        return _no_grade("explain_grade", request)
    return ToolResult(
        tool="explain_grade",
        ok=True,
        summary="How the grade is made up:\n" + "\n".join(_explanation(title, grade) for title, grade in grades),
    )


def _course_for_recommendation(request: ToolRequest) -> uuid.UUID | None:
    if request.course_id is not None:
        return request.course_id
    unfinished = [item for item in _enrolments(request, limit=ENROLMENTS_SHOWN) if item.status != "completed"]
    return unfinished[0].course.id if unfinished else None


def recommend_lessons(request: ToolRequest) -> ToolResult:
    course_id = _course_for_recommendation(request)
    lessons = (
        [] if course_id is None else next_lessons_for(user_id=request.user_id, course_id=course_id, limit=NEXT_LESSONS)
    )
    if not lessons:
        return ToolResult(
            tool="recommend_lessons",
            ok=True,
            summary="No next lesson: the learner has no unfinished course here (or finished every lesson).",
        )
    lines = [
        f'"{lesson.title}" (lesson {lesson.number} of {lesson.total_lessons}, {lesson.estimated_minutes} min, '
        f"{lesson.url})"
        for lesson in lessons
    ]
    return ToolResult(
        tool="recommend_lessons",
        ok=True,
        summary=f'Next lessons of "{lessons[0].course_title}": ' + "; ".join(lines),
        data={"lessons": [str(lesson.lesson_id) for lesson in lessons]},
    )


register_tool("learner_progress", learner_progress, description="The learner's enrolments and progress.")
register_tool("learner_grades", learner_grades, description="The learner's own course grade(s).")
register_tool("explain_grade", explain_grade, description="How the learner's own course grade is made up.")
register_tool("recommend_lessons", recommend_lessons, description="The learner's next incomplete lessons.")
