"""Hot read queries built and compiled by the ORM once per thread, then run with new parameters.

Building a queryset and compiling it to SQL costs more CPU than PostgreSQL spends answering the simple key
lookups of a course page or "my enrolments" (docs/performance.md). A `CompiledQuery` builds its queryset once
with *marker* values (fresh UUIDs or strings), lets Django compile it, finds where each marker's prepared value
sits in the parameters, and from then on runs the same SQL with the caller's values in those places, turning the
rows into Python values with the compiler's own converters. The SQL, the parameter preparation (a UUID is
`uuid` for psycopg, 32 hex digits for SQLite) and the conversions are exactly Django's; only their repetition is
skipped. Queries are compiled per thread (a compiler belongs to its thread's connection) and per shape (a list
parameter of another length, another LIMIT), so a shape's SQL never changes under a running query.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from azora.shared.prepared import prepared_cursor

__all__ = ["CompiledQuery"]

Value = uuid.UUID | str | int


@dataclass(frozen=True, slots=True)
class _Slot:
    position: int
    name: str
    index: int | None  # the element of a list parameter, None for a single value
    as_hex: bool  # a UUID that the backend takes as 32 hex digits (SQLite)
    as_uuid: bool  # the marker was a UUID: the caller's value is one, or text that parses as one


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]
    names: tuple[str, ...]
    compiler: Any
    converters: Any
    alias: str


def _is_uuid_text(value: Value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _marker(value: Value) -> Value:
    # An id given as text gets a UUID marker like an id given as a UUID: the compiled SQL must not depend on which
    # form the first caller of a thread happened to use (a form passes text, a service a UUID).
    if isinstance(value, uuid.UUID) or _is_uuid_text(value):
        return uuid.uuid4()
    if isinstance(value, int):
        raise TypeError("integer parameters are not supported: use them in the shape instead")
    return f"marker-{uuid.uuid4().hex}"


class CompiledQuery:
    """`build(**values)` returns a `values()` queryset; `run(**values)` returns its rows as dicts.

    A value may be a UUID or a string, or a list of those (compiled once per list length). `shape` names
    everything else that changes the SQL (whether an optional filter applies, the LIMIT): one compilation each.
    """

    def __init__(self, name: str, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.name = name
        self.build = build
        self._local = threading.local()

    def _compile(self, shape: tuple[Any, ...], values: dict[str, Any]) -> _Compiled:
        markers: dict[str, Any] = {
            name: [_marker(item) for item in value] if isinstance(value, list | tuple) else _marker(value)
            for name, value in values.items()
        }
        queryset = self.build(*shape, **markers)
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        where: dict[Any, tuple[str, int | None, bool]] = {}
        for name, marker in markers.items():
            for index, item in enumerate(marker) if isinstance(marker, list) else [(None, marker)]:
                where[item] = (name, index, False)
                if isinstance(item, uuid.UUID):
                    where[item.hex] = (name, index, True)
                    where[str(item)] = (name, index, False)  # a UUID compared with a text column
        slots = []
        for position, param in enumerate(params):
            found = where.get(param) if isinstance(param, uuid.UUID | str) else None
            if found is not None:
                slots.append(_Slot(position, found[0], found[1], found[2], isinstance(param, uuid.UUID) or found[2]))
        expected = sum(len(m) if isinstance(m, list) else 1 for m in markers.values())
        if len({(slot.name, slot.index) for slot in slots}) != expected:
            raise RuntimeError(f"{self.name}: a parameter did not reach the SQL as a parameter")
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            names=names,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            alias=queryset.db,
        )

    def run(self, shape: Sequence[Any] = (), **values: Any) -> list[dict[str, Any]]:
        lengths = tuple((name, len(v) if isinstance(v, list | tuple) else None) for name, v in values.items())
        key = (tuple(shape), lengths)
        cache: dict[Any, _Compiled] | None = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(tuple(shape), values)
        params = list(compiled.params)
        for slot in compiled.slots:
            value = values[slot.name]
            if slot.index is not None:
                value = value[slot.index]
            if slot.as_uuid and not isinstance(value, uuid.UUID):
                value = uuid.UUID(str(value))  # an id given as text, as the ORM accepts it
            elif not slot.as_uuid and isinstance(value, uuid.UUID):
                value = str(value)  # an id compared with a text column, as the ORM prepares it
            params[slot.position] = value.hex if slot.as_hex else value
        with prepared_cursor(connections[compiled.alias]) as cursor:
            cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]
