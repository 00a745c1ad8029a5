"""The Prometheus scrape endpoint."""

urlpatterns: list[object] = []
