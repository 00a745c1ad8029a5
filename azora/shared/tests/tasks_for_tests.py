"""Tasks used by the scheduling and task-backend tests; each leaves a row behind so that its runs can be counted."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.tasks import task

from azora.shared.ids import uuid7


@task()
def record_tick_task() -> str:
    name = f"tick:{uuid7()}"
    Group.objects.create(name=name)
    return name


@task()
def record_tock_task() -> str:
    name = f"tock:{uuid7()}"
    Group.objects.create(name=name)
    return name
