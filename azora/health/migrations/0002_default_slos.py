"""Default service level objectives: availability 99.5 % of probe checks and requests over 30 days for each
service, and latency: 95 % of requests faster than 1 s (2.5 s for the AI services, whose answers take longer).
Rows an operator already made for a service and kind are left as they are."""

from __future__ import annotations

from typing import Any

from django.db import migrations

AVAILABILITY_SERVICES = (
    "platform", "accounts", "education", "finance", "payments", "revenue", "marketplace", "ai_routing", "agents",
)  # fmt: skip
LATENCY_THRESHOLDS_MS = {
    "accounts": 1000,
    "education": 1000,
    "finance": 1000,
    "payments": 1000,
    "revenue": 1000,
    "marketplace": 1000,
    "ai_routing": 2500,
    "agents": 2500,
}
AVAILABILITY_PERCENT = "99.500"
LATENCY_PERCENT = "95.000"
WINDOW_DAYS = 30


def create_default_slos(apps: Any, schema_editor: Any) -> None:
    slo = apps.get_model("health", "Slo")
    for service in AVAILABILITY_SERVICES:
        slo.objects.get_or_create(
            service=service, kind="availability",
            defaults={"objective_percent": AVAILABILITY_PERCENT, "window_days": WINDOW_DAYS},
        )  # fmt: skip
    for service, threshold in LATENCY_THRESHOLDS_MS.items():
        slo.objects.get_or_create(
            service=service, kind="latency",
            defaults={"objective_percent": LATENCY_PERCENT, "latency_threshold_ms": threshold,
                      "window_days": WINDOW_DAYS},
        )  # fmt: skip


def remove_default_slos(apps: Any, schema_editor: Any) -> None:
    slo = apps.get_model("health", "Slo")
    slo.objects.filter(service__in=AVAILABILITY_SERVICES, kind="availability").delete()
    slo.objects.filter(service__in=list(LATENCY_THRESHOLDS_MS), kind="latency").delete()


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(create_default_slos, remove_default_slos)]
