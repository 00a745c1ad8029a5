"""The catalogue (search, filters, sort), a course's page and self-enrolment."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.education.public as education
from azora.portals.student.forms import CatalogueForm
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
    viewer_id_of,
)
from azora.shared.errors import DomainError, NotFound

CATALOGUE_PAGE_SIZE = 12


@require_GET
def catalogue(request: HtmxRequest) -> HttpResponse:
    """Published courses; under HTMX only the results are redrawn as the learner types or filters."""
    category_choices = [(category.slug, category.name) for category in education.categories()]
    form = CatalogueForm(request.GET or None, categories=category_choices)
    page = None
    status = 200
    if not request.GET or form.is_valid():
        arguments = form.search_arguments() if request.GET else {"sort": "relevance"}
        try:
            page = education.course_search(**arguments, limit=CATALOGUE_PAGE_SIZE, viewer_id=viewer_id_of(request))
        except DomainError as error:  # an expired or foreign cursor: say so beside the form
            add_domain_error(form, error)
            status = INVALID
    else:
        status = INVALID
    next_query = None
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_query = query.urlencode()
    first_query = None
    if request.GET.get("cursor"):
        query = request.GET.copy()
        query.pop("cursor", None)
        first_query = query.urlencode()
    context = {
        "form": form,
        "page": page,
        "next_query": next_query,
        "first_query": first_query,
        "has_filters": any(request.GET.get(name) for name in ("q", "category", "level", "language", "price")),
    }
    return render_page(request, "student/catalogue.html", context, partial="results", status=status)


@require_GET
@domain_errors_as_http
def course_page(request: HtmxRequest, slug: str) -> HttpResponse:
    return _course_page(request, slug)


def _course_page(request: HtmxRequest, slug: str, *, status: int = 200, error: str = "") -> HttpResponse:
    viewer_id = viewer_id_of(request)
    course = education.course_detail(slug=slug, viewer_id=viewer_id)
    assessments: list[education.AssessmentSummary] = []
    if viewer_id is not None and (course.viewer_enrollment_id or course.viewer_may_edit):
        assessments = _assessments_of(course.id, viewer_id)
    context = {"course": course, "assessments": assessments, "enrol_error": error}
    return render_page(request, "student/course.html", context, status=status)


def _assessments_of(course_id: uuid.UUID, user_id: uuid.UUID) -> list[education.AssessmentSummary]:
    try:
        return education.assessments_of_course(course_id=course_id, user_id=user_id)
    except NotFound:  # an editor who is not enrolled sees the outline without the learner's view of quizzes
        return []


@login_required
@require_POST
@domain_errors_as_http
def enrol(request: HtmxRequest, slug: str) -> HttpResponse:
    """Self-enrolment in a free published course (idempotent); then straight to the first lesson."""
    user_id = user_id_of(request)
    course = education.course_detail(slug=slug, viewer_id=user_id)
    try:
        enrollment = education.enrollment_create(course_id=course.id, user_id=user_id)
    except NotFound:
        raise
    except DomainError as error:
        return _course_page(
            request, slug, status=error.status if 400 <= error.status < 500 else INVALID, error=str(error.detail)
        )
    if enrollment.created:
        messages.success(request, _("You are enrolled in %(course)s.") % {"course": course.course.title})
    if enrollment.resume_lesson_id:
        return redirect("student:lesson", lesson_id=enrollment.resume_lesson_id)
    return redirect(reverse("student:course", kwargs={"slug": slug}))
