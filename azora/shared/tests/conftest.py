"""Fixtures for Shared Services' tests: the real database task backend; subscribers and jobs for one test only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.tasks import Task
from pytest_django import Settings

from azora.shared.events import DomainEvent, subscriber
from azora.shared.events.registry import unsubscribe
from azora.shared.scheduling import PeriodicJob, register_periodic, registered_jobs, unregister_periodic

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

type Subscribe = Callable[[type[DomainEvent], str, Callable[[Any], None]], None]
type RegisterJob = Callable[[Task[..., Any], str, dt.timedelta], PeriodicJob]


@pytest.fixture
def database_tasks(settings: Settings) -> None:
    """Tasks go to django-tasks-db's table, as in production, instead of running inline."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def register_job() -> Iterator[RegisterJob]:
    names: list[str] = []

    def add(task: Task[..., Any], name: str, every: dt.timedelta) -> PeriodicJob:
        register_periodic(task, name=name, every=every)
        names.append(name)
        return next(job for job in registered_jobs() if job.name == name)

    yield add
    for name in names:
        unregister_periodic(name)


@pytest.fixture
def subscribe() -> Iterator[Subscribe]:
    names: list[str] = []

    def add(event_class: type[DomainEvent], name: str, handler: Callable[[Any], None]) -> None:
        subscriber(event_class, name=name)(handler)
        names.append(name)

    yield add
    for name in names:
        unsubscribe(name)
