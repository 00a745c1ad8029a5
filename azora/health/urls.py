"""Health endpoints: liveness and readiness probes."""

urlpatterns: list[object] = []
