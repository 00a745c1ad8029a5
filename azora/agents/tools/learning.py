"""The learning tools: the learner's progress, own grades and their explanation, and the next lessons to take."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from azora.agents.grounding import normalise
from azora.agents.tools import ToolRequest, ToolResult, about_learner, folded_words, register_tool
from azora.education.errors import GradeNotFound
from azora.education.public import (
    EnrollmentView,
    GradeView,
    course_facts,
    enrollments_of,
    grade_for,
    next_lessons_for,
)

# At most this many enrolments are described (most recent first; the conversation's course always first).
ENROLMENTS_SHOWN = 10
# Grades are computed on demand: without a course in the conversation, only this many courses are graded.
GRADED_COURSES = 3
NEXT_LESSONS = 3
_WORD = re.compile(r"\w+", re.UNICODE)


# Words (accents folded) that make a question about grades, in the served languages; `%` counts too. The grade
# tools compute a grade on demand, so they run only for such questions.
GRADE_WORDS = frozenset(
    {
        # en
        "grade", "grades", "graded", "grading", "mark", "marks", "score", "scores", "scored", "result", "results",
        "percent", "percentage", "pass", "passed", "passing", "fail", "failed", "failing", "doing", "assessment",
        "assessments", "quiz", "quizzes", "test", "tests", "exam", "exams", "gradebook", "weight", "weights",
        # fr
        "note", "notes", "resultat", "resultats", "reussi", "echoue", "examen", "evaluation", "moyenne",
        # pt
        "nota", "notas", "resultado", "resultados", "aprovado", "reprovado", "exame", "avaliacao", "teste", "media",
        # af
        "punt", "punte", "uitslag", "uitslae", "geslaag", "gedruip", "toets", "toetse", "eksamen", "persent",
        # sw
        "alama", "matokeo", "mtihani", "kufaulu", "nimefaulu", "nimeshindwa", "asilimia", "daraja",
    }
)  # fmt: skip


def about_grades(text: str) -> bool:
    """Does the question concern the learner's grades (marks, scores, results, passing)?"""
    return "%" in text or not GRADE_WORDS.isdisjoint(_WORD.findall(normalise(text)))


def _enrolments(request: ToolRequest, *, limit: int = ENROLMENTS_SHOWN) -> list[EnrollmentView]:
    """The learner's own enrolments (revoked ones left out), the conversation's course first; read once per
    request (the tools of one `gather` share it)."""

    def read() -> list[EnrollmentView]:
        items = enrollments_of(user_id=request.user_id, limit=ENROLMENTS_SHOWN).items
        return sorted(items, key=lambda item: item.course.id != request.course_id)

    enrolments: list[EnrollmentView] = request.remember("enrolments", read)
    return enrolments[:limit]


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
    """(course title, the learner's own grade) of the conversation's course, or of their latest courses; computed
    once per request."""
    grades: list[tuple[str, GradeView]] = request.remember("grades", lambda: _read_own_grades(request))
    return grades


def _read_own_grades(request: ToolRequest) -> list[tuple[str, GradeView]]:
    if request.course_id is not None:
        try:
            # viewer = the learner: only their own grade, never another learner's (GradeNotFound unless enrolled).
            grade = grade_for(user_id=request.user_id, course_id=request.course_id)
        except GradeNotFound:
            return []
        return [(course_facts(course_id=request.course_id).title, grade)]
    grades = []
    for item in _enrolments(request, limit=GRADED_COURSES):
        try:
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


# Words (accents folded) of a question about the learner's own progress or what to take next, in the served
# languages, in the first person: then the facts are stated (a model reads them as background otherwise).
PROGRESS_WORDS = frozenset(
    {
        # en
        "progress", "doing", "far", "finished", "completed", "done", "enrolled", "enrolments", "enrollments",
        "left", "next", "resume", "recommend", "recommended", "continue",
        # fr
        "progres", "progression", "avancement", "termine", "inscrit", "suivant", "prochaine", "continuer",
        # pt
        "progresso", "andamento", "terminei", "concluido", "inscrito", "proxima", "proximo", "continuar",
        # af
        "vordering", "klaar", "ingeskryf", "volgende", "aanbeveel",
        # sw
        "maendeleo", "nimemaliza", "nimesajiliwa", "inayofuata", "endelea",
    }
)  # fmt: skip


def about_progress(text: str) -> bool:
    """Does the question ask about the learner's own progress, enrolments or next lessons?"""
    words = folded_words(text)
    return about_learner(words) and not PROGRESS_WORDS.isdisjoint(words)


def about_own_grades(text: str) -> bool:
    """Does the question ask about the learner's own grades ("my marks", "did I pass"), not grading in general
    ("passing a law")? The grade tools run for any question about grades; their facts are stated only then."""
    return about_grades(text) and about_learner(folded_words(text))


register_tool(
    "learner_progress",
    learner_progress,
    description="The learner's enrolments and progress.",
    asked=about_progress,
)
register_tool(
    "learner_grades",
    learner_grades,
    description="The learner's own course grade(s).",
    applies=about_grades,
    asked=about_own_grades,
)
register_tool(
    "explain_grade",
    explain_grade,
    description="How the learner's own course grade is made up.",
    applies=about_grades,
    asked=about_own_grades,
)
register_tool(
    "recommend_lessons",
    recommend_lessons,
    description="The learner's next incomplete lessons.",
    asked=about_progress,
)
