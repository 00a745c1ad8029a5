"""The public status page, /status: no login, nothing internal."""

from django.urls import path

from azora.portals.master.views import status

urlpatterns = [
    path("status", status.status_page, name="status"),
]
