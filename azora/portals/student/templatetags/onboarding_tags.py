"""The learning path card on the learner's dashboard (one include line in dashboard.html draws it)."""

from __future__ import annotations

import uuid
from typing import Any

from django import template

from azora.portals.student.views.onboarding import learning_path_context

register = template.Library()


@register.inclusion_tag("student/onboarding/_learning_path_card.html", takes_context=True)
def learning_path_card(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):  # the dashboard is behind login_required; nothing to show otherwise
        return {"hidden": True}
    return {**learning_path_context(user_id=user_id), "csrf_token": context.get("csrf_token"), "request": request}
