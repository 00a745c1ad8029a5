"""Operators' HTTP checks: their Gatus-style conditions (parsed and evaluated here, pure), saving them (validated,
audited) and running one with httpx inside a probe round.

Conditions: `<placeholder> <operator> <value>`, with placeholders [STATUS], [BODY], [BODY].<path> (dots and
[index]: "[BODY].data.items[0].state"), [RESPONSE_TIME] (ms) and [CONNECTED]; operators == != < <= > >=;
values are numbers, words, or for == and != `pat(<glob>)` ("[BODY] == pat(*ok*)") and `any(a, b, c)`.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

import azora.security.public as security
from azora.health.errors import HttpCheckNotFound, InvalidHttpCheck
from azora.health.models import HttpCheck
from azora.health.public.probes import HttpCheckView
from azora.health.registry import SERVICE_NAME, ProbeResult
from azora.shared.pagination import Page, paginate_queryset

PLACEHOLDERS = ("[STATUS]", "[BODY]", "[RESPONSE_TIME]", "[CONNECTED]")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
CONDITION = re.compile(r"^\s*(\[[A-Z_]+\](?:\.[A-Za-z0-9_\-\[\]\.]+)?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")
BODY_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
MAX_CONDITIONS = 20
MAX_CONDITION_LENGTH = 200
MIN_TIMEOUT_MS = 100
# A check reads at most this much of the answer's body: enough for any status document, never a download.
MAX_BODY_BYTES = 256 * 1024
PROBE_PREFIX = "http:"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EDITABLE_FIELDS = frozenset({"name", "url", "service", "method", "timeout_ms", "conditions", "enabled"})


# --- conditions (pure) ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    text: str
    placeholder: str
    path: tuple[str | int, ...]
    operator: str
    value: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What an HTTP check saw: status (0 when it could not connect), body text and response time."""

    status: int
    body: str
    response_time_ms: float
    connected: bool


def condition_parse(text: str) -> Condition:
    """Raises ValueError with a reason fit for the operator when `text` is not a condition."""
    if len(text) > MAX_CONDITION_LENGTH:
        raise ValueError(_("A condition is at most %(limit)d characters.") % {"limit": MAX_CONDITION_LENGTH})
    match = CONDITION.match(text)
    if match is None:
        raise ValueError(_("Write a condition as '<placeholder> <operator> <value>', e.g. '[STATUS] == 200'."))
    left, operator, value = match.groups()
    if value[0] in "=<>!":
        raise ValueError(_("Write a condition as '<placeholder> <operator> <value>', e.g. '[STATUS] == 200'."))
    placeholder, _dot, rest = left.partition(".")
    if placeholder not in PLACEHOLDERS:
        raise ValueError(_("Unknown placeholder %(name)s.") % {"name": placeholder})
    if rest and placeholder != "[BODY]":
        raise ValueError(_("Only [BODY] takes a path."))
    path = _body_path(rest) if rest else ()
    if operator in ("<", "<=", ">", ">=") and _number(value) is None:
        raise ValueError(
            _("%(operator)s compares numbers: %(value)s is not one.") % {"operator": operator, "value": value}
        )
    if value.startswith(("pat(", "any(")) and (operator not in ("==", "!=") or not value.endswith(")")):
        raise ValueError(_("pat(...) and any(...) go with == or != and end with ')'."))
    return Condition(text=text.strip(), placeholder=placeholder, path=path, operator=operator, value=value)


def _body_path(rest: str) -> tuple[str | int, ...]:
    steps: list[str | int] = []
    position = 0
    for match in BODY_PATH_STEP.finditer(rest):
        if match.start() not in (position, position + 1) or (match.start() == position + 1 and rest[position] != "."):
            raise ValueError(_("The body path %(path)s is malformed.") % {"path": rest})
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    if position != len(rest) or not steps:
        raise ValueError(_("The body path %(path)s is malformed.") % {"path": rest})
    return tuple(steps)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def condition_holds(condition: Condition, answer: Answer) -> bool:
    actual = _resolve(condition, answer)
    if actual is None:
        return False
    expected = condition.value
    if condition.operator in ("==", "!="):
        equal = _matches(actual, expected)
        return equal if condition.operator == "==" else not equal
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    comparisons: dict[str, Callable[[float, float], bool]] = {
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    }  # fmt: skip
    return comparisons[condition.operator](left, right)


def _matches(actual: str, expected: str) -> bool:
    if expected.startswith("pat(") and expected.endswith(")"):
        return fnmatch.fnmatchcase(actual, expected[4:-1])
    if expected.startswith("any(") and expected.endswith(")"):
        return actual in [choice.strip() for choice in expected[4:-1].split(",")]
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    return actual == expected


def _resolve(condition: Condition, answer: Answer) -> str | None:
    if condition.placeholder == "[STATUS]":
        return str(answer.status)
    if condition.placeholder == "[RESPONSE_TIME]":
        return str(round(answer.response_time_ms, 3))
    if condition.placeholder == "[CONNECTED]":
        return "true" if answer.connected else "false"
    if not condition.path:
        return answer.body
    try:
        value: Any = json.loads(answer.body)
        for step in condition.path:
            value = value[step]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def failed_conditions(conditions: list[Condition], answer: Answer) -> list[str]:
    return [condition.text for condition in conditions if not condition_holds(condition, answer)]


# --- running ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundCheck:
    """An enabled check as a probe round runs it (read before the round, so no thread touches the database)."""

    name: str
    service: str
    url: str
    method: str
    timeout_ms: int
    conditions: tuple[Condition, ...]
    problem: str = ""

    def run(self) -> ProbeResult | None:
        if self.problem:
            return ProbeResult.failed(self.problem)
        answer = fetch(url=self.url, method=self.method, timeout_ms=self.timeout_ms)
        failed = failed_conditions(list(self.conditions), answer)
        if not failed:
            return None
        seen = f"status {answer.status}" if answer.connected else "no connection"
        return ProbeResult.failed(f"{seen}; failed: {'; '.join(failed)}")


def fetch(*, url: str, method: str, timeout_ms: int) -> Answer:
    """One request; a timeout or a refused connection is an answer too ([CONNECTED] == false)."""
    started = time.perf_counter()
    try:
        with shared_client().stream(
            method, url, headers={"User-Agent": "Azora-Health-Monitor"}, timeout=timeout_ms / 1000
        ) as response:
            body = _read_limited(response)
            status = response.status_code
    except httpx.HTTPError:
        return Answer(status=0, body="", response_time_ms=_elapsed_ms(started), connected=False)
    return Answer(status=status, body=body, response_time_ms=_elapsed_ms(started), connected=True)


@functools.cache
def shared_client() -> httpx.Client:
    """One client per process, shared by the round's threads: building one loads the CA bundle, a tenth of a
    second or more. No kept-alive connections, so every check opens a fresh one as a visitor would."""
    return httpx.Client(follow_redirects=False, limits=httpx.Limits(max_keepalive_connections=0))


def _read_limited(response: httpx.Response) -> str:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
    return b"".join(chunks)[:MAX_BODY_BYTES].decode(response.encoding or "utf-8", errors="replace")


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def round_checks() -> list[RoundCheck]:
    """Enabled checks, parsed; a stored condition that no longer parses fails that check, not the round."""
    checks = []
    for row in HttpCheck.objects.filter(enabled=True).order_by("name"):
        conditions, problem = _stored_conditions(row.conditions)
        checks.append(
            RoundCheck(
                name=PROBE_PREFIX + row.name, service=row.service, url=row.url, method=row.method,
                timeout_ms=row.timeout_ms, conditions=conditions, problem=problem,
            )
        )  # fmt: skip
    return checks


def _stored_conditions(texts: object) -> tuple[tuple[Condition, ...], str]:
    try:
        return tuple(condition_parse(str(text)) for text in texts or []), ""  # type: ignore[attr-defined]
    except (TypeError, ValueError) as error:
        return (), f"a stored condition no longer parses: {error}"


# --- saving -------------------------------------------------------------------------------------------------------


def http_check_view(row: HttpCheck) -> HttpCheckView:
    return HttpCheckView(
        id=row.id, name=row.name, service=row.service, url=row.url, method=row.method, timeout_ms=row.timeout_ms,
        conditions=tuple(row.conditions), enabled=row.enabled,
    )  # fmt: skip


def http_check_list() -> list[HttpCheckView]:
    return [http_check_view(row) for row in HttpCheck.objects.order_by("name")]


def http_check_page(*, cursor: str | None, limit: int | None) -> Page[HttpCheckView]:
    return paginate_queryset(HttpCheck.objects.all(), cursor=cursor, limit=limit, to_item=http_check_view,
                             ordering=("name",))  # fmt: skip


def http_check_get(*, check_id: uuid.UUID) -> HttpCheckView:
    return http_check_view(_row(check_id))


def _row(check_id: uuid.UUID, *, lock: bool = False) -> HttpCheck:
    rows = HttpCheck.objects.select_for_update() if lock else HttpCheck.objects.all()
    try:
        return rows.get(pk=check_id)
    except HttpCheck.DoesNotExist as error:
        raise HttpCheckNotFound() from error


def http_check_create(
    *, actor_id: uuid.UUID, name: str, url: str, service: str = "external", method: str = "GET",
    timeout_ms: int = 5000, conditions: list[str], enabled: bool = True, request: HttpRequest | None = None,
) -> HttpCheckView:  # fmt: skip
    fields = validated(
        {"name": name, "url": url, "service": service, "method": method, "timeout_ms": timeout_ms,
         "conditions": conditions, "enabled": enabled}
    )  # fmt: skip
    with transaction.atomic():
        _refuse_taken_name(str(fields["name"]), exclude=None)
        row = HttpCheck(created_by_id=actor_id, **fields)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as error:  # a concurrent create took the name between the check and the insert
            raise _invalid("name", _("Another check already has this name.")) from error
        _audit("health.http_check_created", actor_id=actor_id, row=row, request=request)
    return http_check_view(row)


def http_check_update(
    *, actor_id: uuid.UUID, check_id: uuid.UUID, request: HttpRequest | None = None, **changes: object
) -> HttpCheckView:
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise _invalid(unknown[0], _("This field cannot be changed."))
    with transaction.atomic():
        row = _row(check_id, lock=True)
        current = {field: getattr(row, field) for field in EDITABLE_FIELDS}
        fields = validated({**current, **changes})
        _refuse_taken_name(str(fields["name"]), exclude=row.pk)
        for field, value in fields.items():
            setattr(row, field, value)
        row.save()
        _audit("health.http_check_updated", actor_id=actor_id, row=row, changed=sorted(changes), request=request)
    return http_check_view(row)


def http_check_delete(*, actor_id: uuid.UUID, check_id: uuid.UUID, request: HttpRequest | None = None) -> None:
    """Deletes the check; its history stays under its probe name until pruned."""
    with transaction.atomic():
        row = _row(check_id, lock=True)
        _audit("health.http_check_deleted", actor_id=actor_id, row=row, request=request)
        row.delete()


def _refuse_taken_name(name: str, *, exclude: uuid.UUID | None) -> None:
    rows = HttpCheck.objects.filter(name=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise _invalid("name", _("Another check already has this name."))


def _audit(
    action: str, *, actor_id: uuid.UUID, row: HttpCheck, request: HttpRequest | None, changed: list[str] | None = None
) -> None:
    detail: dict[str, object] = {"name": row.name, "url": redacted_url(row.url), "enabled": row.enabled}
    if changed is not None:
        detail["changed"] = changed
    security.audit_record(
        action=action, actor_id=actor_id, target_type="health.http_check", target_id=str(row.pk), detail=detail,
        request=request,
    )  # fmt: skip


def redacted_url(url: str) -> str:
    """The URL without its query and fragment, which may carry tokens: what audit records and logs keep."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


# --- validation -------------------------------------------------------------------------------------------------


def validated(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as stored, or InvalidHttpCheck naming the first bad field and why (nothing is saved)."""
    name, service, method = fields["name"], fields["service"], fields["method"]
    if not isinstance(name, str) or not SLUG.match(name):
        raise _invalid("name", _("Use 1 to 64 lower-case letters, digits and hyphens."))
    if not isinstance(service, str) or not SERVICE_NAME.match(service):
        raise _invalid("service", _("Use 1 to 64 lower-case letters, digits and underscores, starting with a letter."))
    if method not in HttpCheck.Method.values:
        raise _invalid("method", _("Use GET, HEAD or POST."))
    return {
        "name": name, "service": service, "method": method, "url": _valid_url(fields["url"]),
        "timeout_ms": _valid_timeout(fields["timeout_ms"]), "conditions": _valid_conditions(fields["conditions"]),
        "enabled": _valid_enabled(fields["enabled"]),
    }  # fmt: skip


def _valid_url(url: object) -> str:
    if not isinstance(url, str) or len(url) > HttpCheck._meta.get_field("url").max_length:  # type: ignore[operator]
        raise _invalid("url", _("Give an http or https URL of at most 500 characters."))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise _invalid("url", _("Give an http or https URL of at most 500 characters.")) from error
    if urlsplit(url).username is not None:
        raise _invalid("url", _("Put no credentials in the URL."))
    return url


def _valid_timeout(timeout_ms: object) -> int:
    limit = settings.AZORA_HEALTH_RESPONSE_TIME_MS
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int) or not MIN_TIMEOUT_MS <= timeout_ms <= limit:
        raise _invalid(
            "timeout_ms", _("Give a timeout from %(low)d to %(high)d ms.") % {"low": MIN_TIMEOUT_MS, "high": limit}
        )
    return timeout_ms


def _valid_conditions(conditions: object) -> list[str]:
    if not isinstance(conditions, list | tuple) or not 1 <= len(conditions) <= MAX_CONDITIONS:
        raise _invalid("conditions", _("Give 1 to %(limit)d conditions.") % {"limit": MAX_CONDITIONS})
    parsed = []
    for index, text in enumerate(conditions):
        if not isinstance(text, str):
            raise _invalid(f"conditions[{index}]", _("A condition is text."))
        try:
            parsed.append(condition_parse(text).text)
        except ValueError as error:
            raise _invalid(f"conditions[{index}]", str(error)) from error
    return parsed


def _valid_enabled(enabled: object) -> bool:
    if not isinstance(enabled, bool):
        raise _invalid("enabled", _("Give true or false."))
    return enabled


def _invalid(field: str, message: str) -> InvalidHttpCheck:
    return InvalidHttpCheck(message, extra={"errors": [{"field": field, "message": message}]})
