"""Every metric the Prometheus rules and the Grafana dashboards in deploy/ read is one that /metrics really exposes.

A rule or panel on a misspelt or retired metric is silent forever: the alert never fires, the panel stays empty.
The metric names are read from every PromQL expression (rules, panel targets, template variables); a name counts as
exposed when /metrics prints its HELP or TYPE line, and a histogram's `_bucket`, `_sum` and `_count` series map to
the histogram. Names with a colon are recording rules and must be recorded by one of the rule files.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULE_FILES = sorted((DEPLOY / "prometheus").glob("*.yml"))
DASHBOARDS = sorted((DEPLOY / "grafana").glob("*.json"))
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
# Keywords and modifiers that look like identifiers in PromQL (functions are recognised by their parenthesis).
PROMQL_WORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                          "bool", "offset", "inf", "nan"})  # fmt: skip
# Grafana's variable queries: label_values(<selector>, <label>), label_values(<label>), query_result(<promql>).
LABEL_VALUES = re.compile(r"^\s*label_values\((?P<selector>.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.DOTALL)
QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expression>.*)\)\s*$", re.DOTALL)


def metric_names(expression: str) -> set[str]:
    """The metric and recording-rule names a PromQL expression reads."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expression)  # string literals, label values
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range and subquery selectors
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)  # label lists
    text = re.sub(r"\boffset\s+-?[0-9a-z$_]+", "", text)  # offset 5m
    text = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", "", text)  # Grafana variables ($__rate_interval, $route)
    text = re.sub(r"(?<![A-Za-z_:0-9])\d+(?:\.\d+)?(?:e[-+]?\d+)?", "", text)  # numbers, 1e-9
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        following = text[match.end() :].lstrip()
        if following.startswith("("):
            continue  # a function or an aggregation: rate(, sum(, histogram_quantile(
        if match.group().lower() not in PROMQL_WORDS:
            names.add(match.group())
    return names


def rule_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                yield path.name, rule


def dashboard_expressions(path: Path) -> list[str]:
    """Every PromQL expression of a dashboard: panel targets (rows' nested panels too) and query variables."""
    dashboard = json.loads(path.read_text())
    expressions: list[str] = []

    def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))

    for panel in panels(dashboard.get("panels", [])):
        expressions += [target["expr"] for target in panel.get("targets", []) if target.get("expr")]
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable.get("query")
            text = query.get("query", "") if isinstance(query, dict) else str(query or "")
            expressions.append(variable_expression(text))
    return expressions


def variable_expression(query: str) -> str:
    """The PromQL inside a Grafana variable query ("" for label_values(<label>), which reads no metric)."""
    if match := LABEL_VALUES.match(query):
        return match.group("selector")
    if match := QUERY_RESULT.match(query):
        return match.group("expression")
    return "" if query.strip().startswith("label_values(") else query


def recorded_names() -> set[str]:
    return {rule["record"] for _, rule in rule_documents() if "record" in rule}


def used_names() -> dict[str, set[str]]:
    """Metric name -> where it is used ("slo.yml: AzoraX", "azora-health.json")."""
    used: dict[str, set[str]] = {}
    for file_name, rule in rule_documents():
        where = f"{file_name}: {rule.get('alert') or rule.get('record')}"
        for name in metric_names(rule["expr"]):
            used.setdefault(name, set()).add(where)
    for path in DASHBOARDS:
        for expression in dashboard_expressions(path):
            for name in metric_names(expression):
                used.setdefault(name, set()).add(path.name)
    return used


def exposed_names(exposition: str) -> set[str]:
    """Names /metrics announces (HELP and TYPE lines), with each histogram's and summary's series names."""
    exposed: set[str] = set()
    for line in exposition.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "#" and parts[1] in {"HELP", "TYPE"}:
            exposed.add(parts[2])
            if parts[1] == "TYPE" and parts[3:4] in (["histogram"], ["summary"]):
                exposed |= {parts[2] + suffix for suffix in HISTOGRAM_SUFFIXES}
    return exposed


@pytest.fixture
def exposition(client: Client, db: None) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def test_the_rules_and_dashboards_are_found() -> None:
    assert {path.name for path in RULE_FILES} >= {"alerts.yml", "health.yml", "slo.yml", "security.yml"}
    assert "azora-overview.json" in {path.name for path in DASHBOARDS}
    assert len(DASHBOARDS) >= 6
    for path in DASHBOARDS:
        assert dashboard_expressions(path), path.name


def test_every_metric_the_rules_and_dashboards_read_is_exposed(exposition: str) -> None:
    exposed = exposed_names(exposition)
    recorded = recorded_names()

    missing = {
        name: sorted(places)
        for name, places in used_names().items()
        if name not in exposed and not (":" in name and name in recorded)
    }

    assert missing == {}


def test_recording_rule_names_follow_level_metric_operation() -> None:
    for name in recorded_names():
        assert re.fullmatch(r"azora:[a-z0-9_]+:[a-z0-9_]+", name), name


def test_the_health_monitor_and_aegis_metrics_are_used(exposition: str) -> None:
    used = set(used_names())

    for name in ("azora_probe_up", "azora_probe_latency_seconds", "azora_incidents_open", "azora_alerts_firing",
                 "azora_slo_error_budget_remaining_ratio", "azora_security_events_total", "azora_edge_blocked_total",
                 "azora_firewall_probes_total", "azora_audit_records_total", "azora_ai_cost_micros_total",
                 "azora_task_queue_depth", "azora_outbox_lag_seconds"):  # fmt: skip
        assert name in used, name
        assert name in exposed_names(exposition), name


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ('sum by (route) (rate(azora_http_requests_total{status=~"5.."}[5m]))', {"azora_http_requests_total"}),
        (
            "histogram_quantile(0.95, sum by (le) "
            "(rate(azora_http_request_duration_seconds_bucket[$__rate_interval])))",
            {"azora_http_request_duration_seconds_bucket"},
        ),
        (
            "azora:http_error_ratio:rate1h > (14.4 * 0.005) and azora:x:y offset 1h > bool 1e-9",
            {"azora:http_error_ratio:rate1h", "azora:x:y"},
        ),
        ("1 - avg_over_time(azora:service_up:min[1h:1m])", {"azora:service_up:min"}),
        (variable_expression("label_values(azora_probe_up{service=~'.+'}, service)"), {"azora_probe_up"}),
        (variable_expression("label_values(service)"), set()),
        ("max(a_metric) / ignoring(queue) group_left sum(b_metric)", {"a_metric", "b_metric"}),
    ],
)
def test_metric_names_are_read_from_promql(expression: str, names: set[str]) -> None:
    assert metric_names(expression) == names


def test_a_histogram_maps_its_series_and_a_name_without_help_is_not_exposed() -> None:
    exposition = (
        "# HELP azora_x_seconds A histogram.\n# TYPE azora_x_seconds histogram\n"
        'azora_x_seconds_bucket{le="1.0"} 1.0\n'
        "azora_orphan_total 1.0\n"
    )

    assert exposed_names(exposition) == {
        "azora_x_seconds", "azora_x_seconds_bucket", "azora_x_seconds_sum", "azora_x_seconds_count"}  # fmt: skip


def test_the_dashboards_are_what_the_builder_writes() -> None:
    spec = importlib.util.spec_from_file_location("azora_grafana_dashboards", DEPLOY / "grafana" / "dashboards.py")
    assert spec is not None
    assert spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = builder  # dataclasses look their module up while the class is built
    spec.loader.exec_module(builder)

    for name, build in builder.DASHBOARDS.items():
        assert json.loads((DEPLOY / "grafana" / name).read_text()) == build(), (
            f"run deploy/grafana/dashboards.py ({name})"
        )
