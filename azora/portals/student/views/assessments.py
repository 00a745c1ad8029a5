"""Quizzes and grades: an assessment's page, taking an attempt with a timer, its result, and the explained grade.

The server's deadline is the truth: the page shows the time left that the Education service computed, a small
script counts it down and submits when it reaches zero, and a late or expired attempt is closed by the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.education.public as education
from azora.portals.student.answers import answers_from_form, shown_answers
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound


@dataclass(frozen=True, slots=True)
class QuizItem:
    """One question as the quiz form shows it: what the field holds now, and what was wrong with it."""

    question: education.AttemptQuestionView
    value: Any
    error: str


def _assessment_of(course_id: uuid.UUID, assessment_id: uuid.UUID, user_id: uuid.UUID) -> education.AssessmentSummary:
    for summary in education.assessments_of_course(course_id=course_id, user_id=user_id):
        if summary.id == assessment_id:
            return summary
    raise Http404


@login_required
@require_GET
@domain_errors_as_http
def assessment(request: HtmxRequest, course_id: uuid.UUID, assessment_id: uuid.UUID) -> HttpResponse:
    """An assessment's rules, the learner's attempts so far, and the button to start or resume."""
    user_id = user_id_of(request)
    summary = _assessment_of(course_id, assessment_id, user_id)
    course = education.course_detail_by_id(course_id=course_id, viewer_id=user_id)
    attempts = education.attempts_of(assessment_id=assessment_id, user_id=user_id)
    context = {"assessment": summary, "course": course, "attempts": attempts}
    return render_page(request, "student/assessment.html", context)


@login_required
@require_POST
@domain_errors_as_http
def attempt_start(request: HtmxRequest, course_id: uuid.UUID, assessment_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    _assessment_of(course_id, assessment_id, user_id)
    try:
        attempt = education.attempt_start(assessment_id=assessment_id, user_id=user_id)
    except NotFound:
        raise
    except DomainError as error:  # no attempts left, no questions yet
        messages.error(request, str(error.detail))
        return redirect("student:assessment", course_id=course_id, assessment_id=assessment_id)
    return redirect("student:attempt", attempt_id=attempt.id)


def _quiz_items(
    attempt: education.AttemptView, submitted: dict[str, Any] | None, errors: dict[str, str]
) -> list[QuizItem]:
    shown = shown_answers(attempt.questions, submitted)
    return [
        QuizItem(question=question, value=shown.get(str(question.id)), error=errors.get(str(question.id), ""))
        for question in attempt.questions
    ]


def _attempt_page(
    request: HtmxRequest,
    attempt: education.AttemptView,
    *,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "attempt": attempt,
        "course": education.course_detail_by_id(course_id=attempt.course_id, viewer_id=user_id_of(request)),
        "items": _quiz_items(attempt, submitted, errors or {}),
        "form_error": form_error,
        "has_errors": bool(errors or form_error),
    }
    return render_page(request, "student/attempt.html", context, status=status)


@login_required
@require_GET
@domain_errors_as_http
def attempt(request: HtmxRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """An open attempt as a form with its timer; a submitted one as its result, question by question."""
    return _attempt_page(request, education.attempt_get(attempt_id=attempt_id, user_id=user_id_of(request)))


def _answer_error(error: DomainError, answers: dict[str, Any]) -> tuple[dict[str, str], str]:
    question_id = str(error.extra.get("question_id", ""))
    if question_id in answers or question_id:
        return {question_id: str(error.detail)}, ""
    return {}, str(error.detail)


@login_required
@require_POST
@domain_errors_as_http
def attempt_save(request: HtmxRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """Saves the answers so far (HTMX does it as the learner answers; the button without JavaScript)."""
    user_id = user_id_of(request)
    current = education.attempt_get(attempt_id=attempt_id, user_id=user_id)
    answers, errors = answers_from_form(current.questions, request.POST)
    if not errors:
        try:
            saved = education.attempt_save_answers(attempt_id=attempt_id, user_id=user_id, answers=answers)
        except NotFound:
            raise
        except DomainError as error:
            if current.status == "open" and error.status == 422:
                errors, form_error = _answer_error(error, answers)
                return _save_answer(request, current, answers, errors, form_error)
            messages.error(request, str(error.detail))
            return _to_attempt(request, attempt_id)
        if request.htmx:
            context = {"saved_at": timezone.now(), "attempt": saved}
            return render_page(request, "student/attempt.html", context, partial="save-status")
        messages.success(request, _("Your answers were saved."))
        return redirect("student:attempt", attempt_id=attempt_id)
    return _save_answer(request, current, answers, errors, "")


def _save_answer(
    request: HtmxRequest,
    attempt: education.AttemptView,
    answers: dict[str, Any],
    errors: dict[str, str],
    form_error: str,
) -> HttpResponse:
    if request.htmx:
        context = {"attempt": attempt, "save_failed": True}
        return render_page(request, "student/attempt.html", context, partial="save-status", status=INVALID)
    return _attempt_page(request, attempt, submitted=answers, errors=errors, form_error=form_error, status=INVALID)


def _to_attempt(request: HtmxRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """Back to the attempt's page (HTMX is told to go there as a whole page)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("student:attempt", kwargs={"attempt_id": attempt_id})
        return response
    return redirect("student:attempt", attempt_id=attempt_id)


@login_required
@require_POST
@domain_errors_as_http
def attempt_submit(request: HtmxRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """Submits the attempt; when the time ran out the service has closed it with the answers saved before."""
    user_id = user_id_of(request)
    current = education.attempt_get(attempt_id=attempt_id, user_id=user_id)
    answers, errors = answers_from_form(current.questions, request.POST)
    if errors and current.status == "open":
        return _attempt_page(request, current, submitted=answers, errors=errors, status=INVALID)
    try:
        education.attempt_submit(attempt_id=attempt_id, user_id=user_id, answers=answers)
    except NotFound:
        raise
    except DomainError as error:
        refreshed = education.attempt_get(attempt_id=attempt_id, user_id=user_id)
        if refreshed.status == "open" and error.status == 422:
            errors, form_error = _answer_error(error, answers)
            return _attempt_page(
                request, refreshed, submitted=answers, errors=errors, form_error=form_error, status=INVALID
            )
        messages.warning(request, str(error.detail))  # expired or already submitted: the result says which
    return redirect("student:attempt", attempt_id=attempt_id)


@login_required
@require_GET
@domain_errors_as_http
def grades(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    """The learner's course grade, and why: each item with its weight, what counted and what was dropped."""
    user_id = user_id_of(request)
    grade = education.grade_for(user_id=user_id, course_id=course_id)
    course = education.course_detail_by_id(course_id=course_id, viewer_id=user_id)
    return render_page(request, "student/grades.html", {"grade": grade, "course": course})
