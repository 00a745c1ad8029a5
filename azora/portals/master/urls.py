"""The Master UI's pages, under /master/, for platform operators (finance admins see the money pages)."""

from django.urls import path

from azora.portals.master.views import (
    ai,
    audit,
    dashboard,
    incidents,
    moderation,
    operations,
    privacy,
    security,
    services,
    users,
)

app_name = "master"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("services/", services.services, name="services"),
    path("services/run-probes/", services.run_probes, name="run_probes"),
    path("incidents/", incidents.incidents, name="incidents"),
    path("incidents/<uuid:incident_id>/", incidents.incident, name="incident"),
    path("maintenance/", incidents.maintenance_create, name="maintenance_create"),
    path("maintenance/<uuid:window_id>/delete/", incidents.maintenance_delete, name="maintenance_delete"),
    path("security/events/", security.events, name="security_events"),
    path("security/ip-rules/", security.ip_rules, name="ip_rules"),
    path("security/ip-rules/<uuid:rule_id>/delete/", security.ip_rule_delete, name="ip_rule_delete"),
    path("audit/", audit.audit, name="audit"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("ai/", ai.ai, name="ai"),
    path("operations/", operations.operations, name="operations"),
    path("operations/retry/", operations.deliveries_retry, name="deliveries_retry"),
    path("users/", users.users, name="users"),
    path("users/<uuid:user_id>/", users.user, name="user"),
    path("users/<uuid:user_id>/suspend/", users.user_suspend, name="user_suspend"),
    path("users/<uuid:user_id>/reactivate/", users.user_reactivate, name="user_reactivate"),
    path("users/<uuid:user_id>/mfa-reset/", users.user_mfa_reset, name="user_mfa_reset"),
    path("users/<uuid:user_id>/roles/", users.user_role, name="user_role"),
    path("moderation/", moderation.moderation, name="moderation"),
    path("moderation/<uuid:case_id>/decide/", moderation.moderation_decide, name="moderation_decide"),
    path("privacy/deletion-requests/", privacy.deletion_requests, name="deletion_requests"),
    path(
        "privacy/deletion-requests/<uuid:request_id>/review/",
        privacy.deletion_request_review,
        name="deletion_request_review",
    ),
]
