"""Student Portal pages for onboarding: the wizard after sign-up (one page per step) and the placement diagnostic."""

from django.urls import URLPattern, path

from azora.portals.student.views import onboarding

urlpatterns: list[URLPattern] = [
    # The sign-up redirect lands here: resume the active session, or confirm the suggested type and start.
    path("onboarding/", onboarding.onboarding_home, name="onboarding"),
    path("onboarding/placement/", onboarding.placement_start, name="placement_start"),
    path("onboarding/placement/<uuid:attempt_id>/", onboarding.placement, name="placement"),
    path("onboarding/<uuid:session_id>/done/", onboarding.onboarding_done, name="onboarding_done"),
    path("onboarding/<uuid:session_id>/<slug:step>/", onboarding.onboarding_step, name="onboarding_step"),
]
