"""Quizzes and grades: taking an assessment with a timer, its result, and the course grade with its explanation."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from azora.portals.student.views.common import HtmxRequest


@login_required
@require_GET
def assessment(request: HtmxRequest, assessment_id: uuid.UUID) -> HttpResponse:
    raise Http404  # replaced when Education's assessment functions land


@login_required
@require_GET
def grades(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    raise Http404  # replaced when Education's grade functions land
