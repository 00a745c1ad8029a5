"""Health endpoints: liveness and readiness probes."""

from django.urls import path

from azora.health import views

urlpatterns = [
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
]
