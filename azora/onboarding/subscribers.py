"""Onboarding's handlers for other apps' events: a completed course offers the placement again."""

from __future__ import annotations

from azora.education.events import CourseCompleted
from azora.onboarding.services import placement
from azora.shared.events import subscriber


@subscriber(CourseCompleted, name="onboarding.reoffer_placement_on_course_completed")
def reoffer_placement_on_course_completed(event: CourseCompleted) -> None:
    # Idempotent: the current path is marked once; a redelivery finds it marked and changes nothing.
    placement.placement_reoffer(user_id=event.user_id, course_id=event.course_id)
