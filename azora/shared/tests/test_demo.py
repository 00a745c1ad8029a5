"""The demo-data registry and the `demo_data` command: loaders run in order, each in a transaction, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from pytest_django import Settings

from azora.shared import demo

type RegisterLoader = Callable[[str, Callable[[], None], int], None]


def load_cohorts() -> None:
    for name in ("cohort:alpha", "cohort:beta"):
        Group.objects.get_or_create(name=name)


def load_mentors() -> None:
    # Depends on the cohorts loaded before it (a lower order).
    assert Group.objects.filter(name__startswith="cohort:").count() == 2
    Group.objects.get_or_create(name="mentors")


def load_half_then_fail() -> None:
    Group.objects.create(name="half-loaded")
    raise RuntimeError("the demo source is missing")


@pytest.fixture
def register_loader() -> Iterator[RegisterLoader]:
    names: list[str] = []

    def add(name: str, loader: Callable[[], None], order: int) -> None:
        demo.register(name, loader, order=order)
        names.append(name)

    yield add
    for name in names:
        demo.unregister(name)


def group_names() -> list[str]:
    return sorted(Group.objects.values_list("name", flat=True))


def test_registration_refuses_a_bad_or_taken_name(register_loader: RegisterLoader) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)

    with pytest.raises(ImproperlyConfigured, match="must look like"):
        demo.register("Tests Cohorts", load_cohorts)
    with pytest.raises(ImproperlyConfigured, match=r"already registered by .*load_cohorts"):
        demo.register("tests.cohorts", load_mentors)


def test_registering_the_same_loader_again_is_harmless(register_loader: RegisterLoader) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)
    demo.register("tests.cohorts", load_cohorts, order=20)

    assert [(entry.name, entry.order) for entry in demo.registered_loaders() if entry.name == "tests.cohorts"] == [
        ("tests.cohorts", 20)
    ]


@pytest.mark.django_db
def test_loaders_run_in_order_and_again_without_duplicating(register_loader: RegisterLoader) -> None:
    register_loader("tests.mentors", load_mentors, 20)
    register_loader("tests.cohorts", load_cohorts, 10)

    assert demo.load_demo_data(only=["tests.mentors", "tests.cohorts"]) == ["tests.cohorts", "tests.mentors"]
    assert demo.load_demo_data(only=["tests.mentors", "tests.cohorts"]) == ["tests.cohorts", "tests.mentors"]

    assert group_names() == ["cohort:alpha", "cohort:beta", "mentors"]


@pytest.mark.django_db
def test_a_failing_loader_is_rolled_back_and_stops_the_run(register_loader: RegisterLoader) -> None:
    register_loader("tests.broken", load_half_then_fail, 10)
    register_loader("tests.cohorts", load_cohorts, 20)

    with pytest.raises(RuntimeError, match="the demo source is missing"):
        demo.load_demo_data(only=["tests.broken", "tests.cohorts"])

    assert group_names() == []


@pytest.mark.django_db
def test_the_command_loads_the_chosen_loaders(
    register_loader: RegisterLoader, capsys: pytest.CaptureFixture[str]
) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)
    register_loader("tests.mentors", load_mentors, 20)

    call_command("demo_data", "--only", "tests.cohorts", "--only", "tests.mentors")
    call_command("demo_data", "--only", "tests.cohorts", "--only", "tests.mentors")

    assert group_names() == ["cohort:alpha", "cohort:beta", "mentors"]
    assert capsys.readouterr().out == "Demo data loaded: tests.cohorts, tests.mentors\n" * 2


@pytest.mark.django_db
def test_the_command_lists_the_loaders(register_loader: RegisterLoader, capsys: pytest.CaptureFixture[str]) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)

    call_command("demo_data", "--list")

    assert "   10  tests.cohorts\n" in capsys.readouterr().out
    assert group_names() == []


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_loader(register_loader: RegisterLoader) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)

    with pytest.raises(CommandError, match=r"No demo loader named tests\.nothing"):
        call_command("demo_data", "--only", "tests.cohorts", "--only", "tests.nothing")

    assert group_names() == []


@pytest.mark.django_db
def test_the_command_refuses_production_unless_insisted(register_loader: RegisterLoader, settings: Settings) -> None:
    register_loader("tests.cohorts", load_cohorts, 10)
    settings.AZORA_MODE = "production"

    with pytest.raises(CommandError, match="Refusing to load demo data in production"):
        call_command("demo_data", "--only", "tests.cohorts")
    assert group_names() == []

    call_command("demo_data", "--only", "tests.cohorts", "--allow-production", verbosity=0)
    assert group_names() == ["cohort:alpha", "cohort:beta"]
