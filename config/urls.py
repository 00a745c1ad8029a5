"""URL map: the API, allauth (browser + headless), health, metrics, admin and the portals."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("azora.health.urls")),
    path("", include("azora.shared.observability.urls")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("azora.education.urls")),
    path("pay/", include("azora.portals.pay.urls")),
    path("market/", include("azora.portals.marketplace.urls")),
    path("master/", include("azora.portals.master.urls")),
    path("", include("azora.portals.master.urls_status")),
    path("", include("azora.portals.student.urls")),
    path("", include("azora.portals.shell.urls")),
]

# Problem+json under /api/, Django's HTML pages elsewhere.
handler400 = "azora.gateway.views.bad_request"
handler403 = "azora.gateway.views.permission_denied"
handler404 = "azora.gateway.views.page_not_found"
handler500 = "azora.gateway.views.server_error"
