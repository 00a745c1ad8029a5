"""Every request and response schema of /api/v1 has its own name in the OpenAPI document.

django-ninja names a component after its class, so two apps' classes of the same name would silently share one
component: the document would describe one of them wrongly (the AI chat's routing decision was once published
with the constitution's `DecisionOut` fields).
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from config.api import api


def _subclasses(cls: type[Schema]) -> set[type[Schema]]:
    found: set[type[Schema]] = set()
    direct: list[type[Schema]] = cls.__subclasses__()
    for sub in direct:
        found |= {sub} | _subclasses(sub)
    return found


def test_no_two_published_schemas_share_a_name() -> None:
    published = set(api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"])
    classes: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("azora.") and schema.__name__ in published:
            classes[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")

    assert {name: sorted(paths) for name, paths in classes.items() if len(paths) > 1} == {}


def test_the_check_sees_the_schemas() -> None:
    names = {schema.__name__ for schema in _subclasses(Schema) if schema.__module__.startswith("azora.")}
    assert {"CourseDetailOut", "PaymentIntentOut", "ChatOut"} <= names
