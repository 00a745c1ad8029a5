"""Pages of the web shell: home, account settings, organisations, API keys, PWA files."""

from django.urls import path

from azora.portals.shell import views, views_privacy

app_name = "shell"

urlpatterns = [
    path("", views.home, name="home"),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("account/profile/", views.profile, name="profile"),
    path("account/api-keys/", views.api_keys, name="api_keys"),
    path("account/api-keys/<uuid:api_key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("account/privacy/", views_privacy.privacy, name="privacy"),
    path("account/privacy/export/", views_privacy.data_export_create, name="privacy_export"),
    path(
        "account/privacy/exports/<uuid:export_id>/",
        views_privacy.data_export_download,
        name="privacy_export_download",
    ),
    path("account/privacy/consents/", views_privacy.consents_save, name="privacy_consents"),
    path("account/privacy/deletion/", views_privacy.deletion_request_create, name="privacy_deletion"),
    path(
        "account/privacy/deletion/<uuid:request_id>/cancel/",
        views_privacy.deletion_request_cancel,
        name="privacy_deletion_cancel",
    ),
    path("organisations/", views.organisations, name="organisations"),
    # The path of the link in invitation emails (azora.accounts builds it): keep it stable.
    path("organisations/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organisations/<uuid:organisation_id>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<uuid:organisation_id>/invitations/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "organisations/<uuid:organisation_id>/members/<uuid:membership_id>/role/",
        views.membership_update,
        name="membership_update",
    ),
    path(
        "organisations/<uuid:organisation_id>/members/<uuid:membership_id>/remove/",
        views.membership_delete,
        name="membership_delete",
    ),
]
