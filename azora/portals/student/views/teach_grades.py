"""The instructor area's grades: the gradebook, one learner's explained grade, overrides with a reason, recompute."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.accounts.public as accounts
import azora.education.public as education
from azora.portals.student.forms import GradeOverrideForm
from azora.portals.student.templatetags.student_tags import percent
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


def person_name(user_id: uuid.UUID, names: dict[uuid.UUID, str] | None = None) -> str:
    """A person's display name (or the part of their email before the @), looked up once per page."""
    names = {} if names is None else names
    if user_id not in names:
        profile = accounts.user_profile(user_id=user_id)
        names[user_id] = profile.display_name.strip() or profile.email.partition("@")[0]
    return names[user_id]


@login_required
@require_GET
@domain_errors_as_http
def gradebook(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    rows = education.grades_of_course(course_id=course.id, user_id=user_id_of(request))
    return render_page(request, "student/teach/gradebook.html", {"course": course, "rows": rows})


@login_required
@require_POST
@domain_errors_as_http
def gradebook_recompute(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    changed = education.grades_recompute_course(course_id=course.id, by_user_id=user_id_of(request))
    if changed:
        messages.success(
            request,
            _("Every grade was recomputed from the current data; %(count)d changed.") % {"count": changed},
        )
    else:
        messages.success(request, _("Every grade was recomputed from the current data; none changed."))
    return redirect("student:teach_gradebook", course_id=course.id)


def _learner_grade_page(
    request: HtmxRequest,
    course: education.CourseDetail,
    learner_id: uuid.UUID,
    form: GradeOverrideForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    viewer_id = user_id_of(request)
    grade = education.grade_for(user_id=learner_id, course_id=course.id, viewer_id=viewer_id)
    names: dict[uuid.UUID, str] = {}
    overrides = [
        {"override": override, "by_name": person_name(override.by_user_id, names)}
        for override in reversed(
            education.grade_overrides_of(course_id=course.id, user_id=learner_id, viewer_id=viewer_id)
        )
    ]
    if form is None:
        form = GradeOverrideForm(initial={"percent": grade.percent})
    context: dict[str, Any] = {
        "course": course,
        "grade": grade,
        "learner_id": learner_id,
        "learner_name": person_name(learner_id, names),
        "overrides": overrides,
        "form": form,
    }
    return render_page(request, "student/teach/learner_grade.html", context, status=status)


@login_required
@require_GET
@domain_errors_as_http
def learner_grade(request: HtmxRequest, course_id: uuid.UUID, learner_id: uuid.UUID) -> HttpResponse:
    return _learner_grade_page(request, editable_course(request, course_id), learner_id)


@login_required
@require_POST
@domain_errors_as_http
def learner_grade_override(request: HtmxRequest, course_id: uuid.UUID, learner_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    form = GradeOverrideForm(request.POST)
    if form.is_valid():
        try:
            grade = education.grade_override(
                course_id=course.id,
                user_id=learner_id,
                by_user_id=user_id_of(request),
                percent=str(form.cleaned_data["percent"]),
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The course grade is now %(grade)s. The learner sees it with your reason.")
                % {"grade": percent(grade.percent)},
            )
            return redirect("student:teach_learner_grade", course_id=course.id, learner_id=learner_id)
    return _learner_grade_page(request, course, learner_id, form, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def learner_grade_recompute(request: HtmxRequest, course_id: uuid.UUID, learner_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    grade = education.grade_recompute(course_id=course.id, user_id=learner_id, by_user_id=user_id_of(request))
    if grade.override is not None:
        message = _(
            "The grade was recomputed from the current data: computed %(computed)s; your override of %(grade)s "
            "still counts."
        ) % {"computed": percent(grade.computed_percent), "grade": percent(grade.percent)}
    else:
        message = _("The grade was recomputed from the current data: %(grade)s.") % {"grade": percent(grade.percent)}
    messages.success(request, message)
    return redirect("student:teach_learner_grade", course_id=course.id, learner_id=learner_id)
