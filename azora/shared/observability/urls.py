"""The Prometheus scrape endpoint."""

from django.urls import path

from azora.shared.observability.views import metrics_view

urlpatterns = [path("metrics", metrics_view, name="metrics")]
