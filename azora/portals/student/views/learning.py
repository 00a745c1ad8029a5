"""Learning: the lesson reader (prev/next, mark complete, resume) and the learner's progress dashboard."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.education.public as education
from azora.portals.student.views.common import (
    HtmxRequest,
    domain_errors_as_http,
    render_page,
    user_id_of,
)

DASHBOARD_PAGE_SIZE = 50


@login_required
@require_GET
@domain_errors_as_http
def lesson(request: HtmxRequest, lesson_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    view = education.lesson_for_learner(lesson_id=lesson_id, user_id=user_id)
    course = education.course_detail_by_id(course_id=view.course_id, viewer_id=user_id)
    return render_page(request, "student/lesson.html", {"lesson": view, "course": course})


@login_required
@require_POST
@domain_errors_as_http
def lesson_complete(request: HtmxRequest, lesson_id: uuid.UUID) -> HttpResponse:
    """Marks the lesson done; HTMX redraws the box in place, a plain form goes on to the next lesson."""
    user_id = user_id_of(request)
    completion = education.lesson_complete(lesson_id=lesson_id, user_id=user_id)
    if request.htmx:
        view = education.lesson_for_learner(lesson_id=lesson_id, user_id=user_id)
        context = {"lesson": view, "completion": completion, "just_completed": True}
        return render_page(request, "student/lesson.html", context, partial="completion")
    if completion.course_completed:
        messages.success(request, _("You completed the course. Well done!"))
        return redirect("student:dashboard")
    messages.success(request, _("Lesson marked as complete."))
    if completion.next_lesson_id:
        return redirect("student:lesson", lesson_id=completion.next_lesson_id)
    return redirect("student:lesson", lesson_id=lesson_id)


@login_required
@require_GET
def dashboard(request: HtmxRequest) -> HttpResponse:
    """Every course the learner takes, with progress and a link to where they left off."""
    enrollments = education.enrollments_of(user_id=user_id_of(request), limit=DASHBOARD_PAGE_SIZE).items
    in_progress = [enrollment for enrollment in enrollments if enrollment.status != "completed"]
    completed = [enrollment for enrollment in enrollments if enrollment.status == "completed"]
    return render_page(request, "student/dashboard.html", {"in_progress": in_progress, "completed": completed})
