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
    path("", include("azora.portals.shell.urls")),
]
