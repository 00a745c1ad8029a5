"""The instructor area's assessments: the question bank, assessment settings, and rubric grading of free text."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.education.public as education
from azora.portals.student.forms import (
    KIND_FIELDS,
    QUESTION_FIELD_ALIASES,
    QUESTION_KIND_LABELS,
    AssessmentForm,
    QuestionForm,
    QuestionKindForm,
    RubricGradeForm,
    question_initial,
)
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.portals.student.views.teach import editable_course
from azora.shared.errors import DomainError, NotFound


def _text_or_none(value: object) -> str | None:
    """Numbers go to the Education service as text (it reads them as exact decimals)."""
    return None if value is None else str(value)


# --- Question bank ------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors_as_http
def question_bank(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    questions = education.questions_of_course(course_id=course.id, user_id=user_id_of(request))
    context = {"course": course, "questions": questions, "kind_form": QuestionKindForm(), "kinds": QUESTION_KIND_LABELS}
    return render_page(request, "student/teach/questions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def question_new(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    kind = request.GET.get("kind", "")
    if kind not in KIND_FIELDS:
        messages.error(request, _("Choose the kind of question first."))
        return redirect("student:teach_questions", course_id=course.id)
    context: dict[str, Any] = {"course": course, "kind": kind, "kind_label": QUESTION_KIND_LABELS[kind]}
    if request.method == "GET":
        context["form"] = QuestionForm(kind=kind, initial={"match": "casefold", "rule": "all_or_nothing"})
        return render_page(request, "student/teach/question_form.html", context)
    form = QuestionForm(request.POST, kind=kind)
    context["form"] = form
    if form.is_valid():
        try:
            education.question_create(
                course_id=course.id,
                user_id=user_id_of(request),
                kind=kind,
                prompt=form.cleaned_data["prompt"],
                definition=form.definition(),
                points=_text_or_none(form.cleaned_data.get("points")),
                feedback=form.cleaned_data["feedback"],
            )
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error, QUESTION_FIELD_ALIASES)
        else:
            messages.success(request, _("The question was added to the bank."))
            return redirect("student:teach_questions", course_id=course.id)
    return render_page(request, "student/teach/question_form.html", context, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def question_edit(request: HtmxRequest, course_id: uuid.UUID, question_id: uuid.UUID) -> HttpResponse:
    """Changes a bank question (not its kind); attempts already closed keep the scores they were given."""
    course = editable_course(request, course_id)
    user_id = user_id_of(request)
    question = next(
        (
            item
            for item in education.questions_of_course(course_id=course.id, user_id=user_id)
            if item.id == question_id
        ),
        None,
    )
    if question is None:
        raise Http404
    kind = question.kind
    context: dict[str, Any] = {
        "course": course,
        "kind": kind,
        "kind_label": QUESTION_KIND_LABELS[kind],
        "question": question,
    }
    if request.method == "GET":
        context["form"] = QuestionForm(
            kind=kind, previous=question.definition, initial=question_initial(kind, question)
        )
        return render_page(request, "student/teach/question_form.html", context)
    form = QuestionForm(request.POST, kind=kind, previous=question.definition)
    context["form"] = form
    if form.is_valid():
        fields: dict[str, Any] = {
            "prompt": form.cleaned_data["prompt"],
            "definition": form.definition(),
            "feedback": form.cleaned_data["feedback"],
        }
        if "points" in form.fields:
            fields["points"] = _text_or_none(form.cleaned_data.get("points")) or "1"
        try:
            education.question_update(question_id=question.id, user_id=user_id, **fields)
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error, QUESTION_FIELD_ALIASES)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("student:teach_questions", course_id=course.id)
    return render_page(request, "student/teach/question_form.html", context, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def question_delete(request: HtmxRequest, course_id: uuid.UUID, question_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    try:
        education.question_delete(question_id=question_id, user_id=user_id_of(request))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The question was removed (kept in the records of attempts that used it)."))
    return redirect("student:teach_questions", course_id=course.id)


# --- Assessments ----------------------------------------------------------------------------------------


def _assessment_form(
    request: HtmxRequest, course: education.CourseDetail, data: Any = None, initial: dict[str, Any] | None = None
) -> AssessmentForm:
    questions = education.questions_of_course(course_id=course.id, user_id=user_id_of(request))
    return AssessmentForm(
        data,
        initial=initial,
        modules=[(str(module.id), module.title) for module in course.modules],
        questions=[
            (str(question.id), f"{question.prompt} ({QUESTION_KIND_LABELS.get(question.kind, question.kind)})")
            for question in questions
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def assessment_new(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    if request.method == "GET":
        initial = {
            "selection": "fixed",
            "passing_percent": 70,
            "category": "Assessments",
            "weight": 1,
            "is_required": True,
        }
        form = _assessment_form(request, course, initial=initial)
        return render_page(request, "student/teach/assessment_form.html", {"course": course, "form": form})
    form = _assessment_form(request, course, request.POST)
    if form.is_valid():
        fields = form.assessment_fields()
        title = str(fields.pop("title"))
        try:
            education.assessment_create(course_id=course.id, user_id=user_id_of(request), title=title, **fields)
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error, AssessmentForm.ALIASES)
        else:
            messages.success(request, _("The assessment was created."))
            return redirect("student:teach_course", course_id=course.id)
    return render_page(request, "student/teach/assessment_form.html", {"course": course, "form": form}, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def assessment_edit(request: HtmxRequest, course_id: uuid.UUID, assessment_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    user_id = user_id_of(request)
    current = next(
        (
            item
            for item in education.assessments_for_author(course_id=course.id, user_id=user_id)
            if item.id == assessment_id
        ),
        None,
    )
    if current is None:
        raise Http404
    context: dict[str, Any] = {"course": course, "assessment": current}
    if request.method == "GET":
        initial = {
            "title": current.title,
            "description": current.description,
            "module": str(current.module_id) if current.module_id else "",
            "questions": [str(question_id) for question_id in current.question_ids],
            "selection": current.selection,
            "draw_count": current.draw_count,
            "passing_percent": current.passing_percent,
            "max_attempts": current.max_attempts,
            "time_limit_minutes": current.time_limit_seconds // 60 if current.time_limit_seconds else None,
            "is_required": current.is_required,
            "category": current.category,
            "weight": current.weight,
        }
        context["form"] = _assessment_form(request, course, initial=initial)
        return render_page(request, "student/teach/assessment_form.html", context)
    form = _assessment_form(request, course, request.POST)
    context["form"] = form
    if form.is_valid():
        try:
            education.assessment_update(assessment_id=current.id, user_id=user_id, **form.assessment_fields())
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error, AssessmentForm.ALIASES)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect("student:teach_course", course_id=course.id)
    return render_page(request, "student/teach/assessment_form.html", context, status=INVALID)


# --- Grading free-text answers ----------------------------------------------------------------------


def _grading_page(
    request: HtmxRequest,
    course: education.CourseDetail,
    *,
    failed: tuple[uuid.UUID, uuid.UUID, RubricGradeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    answers = education.free_text_answers_to_grade(course_id=course.id, user_id=user_id_of(request))
    entries = []
    for index, answer in enumerate(answers):
        if failed is not None and (answer.attempt_id, answer.question_id) == failed[:2]:
            form = failed[2]
        else:
            form = RubricGradeForm(rubric=answer.rubric, prefix=f"answer-{index}")
        entries.append({"answer": answer, "form": form, "prefix": f"answer-{index}"})
    return render_page(request, "student/teach/grading.html", {"course": course, "entries": entries}, status=status)


@login_required
@require_GET
@domain_errors_as_http
def grading(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    return _grading_page(request, editable_course(request, course_id))


@login_required
@require_POST
@domain_errors_as_http
def grade_answer(
    request: HtmxRequest, course_id: uuid.UUID, attempt_id: uuid.UUID, question_id: uuid.UUID
) -> HttpResponse:
    course = editable_course(request, course_id)
    user_id = user_id_of(request)
    answers = education.free_text_answers_to_grade(course_id=course.id, user_id=user_id)
    answer = next((a for a in answers if (a.attempt_id, a.question_id) == (attempt_id, question_id)), None)
    if answer is None:
        messages.error(request, _("This answer is no longer waiting for grading."))
        return redirect("student:teach_grading", course_id=course.id)
    prefix = request.POST.get("prefix", "answer")
    form = RubricGradeForm(request.POST, rubric=answer.rubric, prefix=prefix)
    if form.is_valid():
        try:
            education.free_text_grade(
                attempt_id=attempt_id,
                question_id=question_id,
                user_id=user_id,
                points=form.points(),
                comment=form.cleaned_data["comment"],
            )
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The answer of %(name)s was graded.") % {"name": answer.learner_name})
            return redirect("student:teach_grading", course_id=course.id)
    return _grading_page(request, course, failed=(attempt_id, question_id, form), status=INVALID)
