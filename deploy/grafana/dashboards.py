"""Builds the Grafana dashboards in this folder (health and SLOs, security, queue and outbox, ledger, AI usage).

Run `python deploy/grafana/dashboards.py` after changing a panel and commit the JSON it writes; import the JSON
files into Grafana (or provision the folder). azora-overview.json is kept by hand and is not rewritten here.
Every expression reads only metrics /metrics exposes or recording rules from deploy/prometheus/slo.yml
(tests/architecture/test_metric_names.py checks it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
MONEY_ROUTES = "api/v1/(wallets|transfers|payouts|statements|payment-intents|payment-methods|refunds|receipts).*"
# The objectives of deploy/prometheus/slo.yml: budgets and the burn rates that page (14.4) or open a ticket (6).
AVAILABILITY_BUDGET = 0.005
LATENCY_BUDGET = 0.05
BURN_THRESHOLDS: list[dict[str, Any]] = [
    {"color": "green", "value": None},
    {"color": "orange", "value": 6},
    {"color": "red", "value": 14.4},
]


@dataclass
class Panel:
    title: str
    targets: list[tuple[str, str]]  # (PromQL, legend)
    kind: str = "timeseries"
    unit: str = "short"
    width: int = 12
    height: int = 8
    description: str = ""
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    title: str
    panels: list[Panel]


def datasource_variable() -> dict[str, Any]:
    return {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus", "current": {},
            "hide": 0}  # fmt: skip


def query_variable(name: str, label: str, metric: str) -> dict[str, Any]:
    query = f"label_values({metric}, {name})"
    return {
        "name": name, "label": label, "type": "query", "datasource": DATASOURCE,
        "query": {"query": query, "refId": name}, "definition": query, "includeAll": True, "multi": True,
        "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "refresh": 2, "sort": 1, "hide": 0,
    }  # fmt: skip


def panel_json(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": panel.unit}
    if panel.thresholds:
        defaults["thresholds"] = {"mode": "absolute", "steps": panel.thresholds}
    options = dict(panel.options)
    if panel.kind in {"stat", "bargauge", "gauge"}:
        options.setdefault("reduceOptions", {"calcs": ["lastNotNull"]})
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": panel.width, "h": panel.height},
        "targets": [
            {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend, "refId": chr(ord("A") + index)}
            for index, (expr, legend) in enumerate(panel.targets)
        ],
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options,
    }


def dashboard(
    uid: str, title: str, description: str, rows: list[Row], variables: list[dict[str, Any]]
) -> dict[str, Any]:
    panels: list[dict[str, Any]] = []
    panel_id, y = 1, 0
    for row in rows:
        panels.append({"id": panel_id, "type": "row", "title": row.title, "collapsed": False,
                       "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []})  # fmt: skip
        panel_id, y, x, row_height = panel_id + 1, y + 1, 0, 0
        for panel in row.panels:
            if x + panel.width > 24:
                x, y, row_height = 0, y + row_height, 0
            panels.append(panel_json(panel, panel_id, x, y))
            panel_id, x, row_height = panel_id + 1, x + panel.width, max(row_height, panel.height)
        y += row_height
    return {
        "uid": uid, "title": title, "description": description, "tags": ["azora"], "timezone": "utc",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"}, "annotations": {"list": []},
        "links": [{"title": "Azora dashboards", "type": "dashboards", "tags": ["azora"], "asDropdown": True}],
        "templating": {"list": [datasource_variable(), *variables]}, "panels": panels,
    }  # fmt: skip


def health() -> dict[str, Any]:
    service = 'service=~"$service"'
    rows = [
        Row("Probes", [
            Panel("Probes down", [(f"sum(1 - min by (probe, service) (azora_probe_up{{{service}}}))", "down")],
                  kind="stat", width=4, thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
                  description="Probes down after their failure threshold (3 failed checks by default)."),
            Panel("Seconds since the last probe round", [("min(azora_probe_last_round_age_seconds)", "age")],
                  kind="stat", unit="s", width=4,
                  thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 300}],
                  description="Rounds run every AZORA_HEALTH_PROBE_INTERVAL_SECONDS; alert AzoraProbesNotRunning."),
            Panel("Services up (1) or down (0)", [(f"min by (service) (azora_probe_up{{{service}}})", "{{service}}")],
                  width=16, options={"legend": {"displayMode": "table", "placement": "right"}}),
            Panel("Probe latency (last check)", [(f"max by (probe) (azora_probe_latency_seconds{{{service}}})",
                                                  "{{probe}}")], unit="s", width=24),
        ]),
        Row("Incidents and alerts", [
            Panel("Open incidents by severity", [("max by (severity) (azora_incidents_open)", "{{severity}}")],
                  kind="bargauge", width=8),
            Panel("Health Monitor alerts firing", [("max by (severity) (azora_alerts_firing)", "{{severity}}")],
                  kind="bargauge", width=8),
            Panel("Incidents over time", [("sum(max by (severity) (azora_incidents_open))", "open")], width=8),
        ]),
        Row("SLOs and error budgets", [
            Panel("Error budget left", [
                (f"min by (service, kind) (azora_slo_error_budget_remaining_ratio{{{service}}})",
                 "{{service}} {{kind}}")],
                  kind="bargauge", unit="percentunit", width=24,
                  thresholds=[{"color": "red", "value": None}, {"color": "orange", "value": 0.25},
                              {"color": "green", "value": 0.5}],
                  description="As the Health Monitor's SLO job last computed it over each SLO's window."),
            Panel("Availability burn rate (5xx)", [
                (f"azora:http_error_ratio:rate1h / {AVAILABILITY_BUDGET}", "1 h"),
                (f"azora:http_error_ratio:rate5m / {AVAILABILITY_BUDGET}", "5 m"),
                (f"azora:http_error_ratio:rate6h / {AVAILABILITY_BUDGET}", "6 h"),
            ], thresholds=BURN_THRESHOLDS, width=8,
                  description="1 spends the budget exactly over 30 days; page at 14.4 (1 h and 5 m), ticket at 6."),
            Panel("Latency burn rate (over 1 s)", [
                (f"azora:http_slow_ratio:rate1h / {LATENCY_BUDGET}", "1 h"),
                (f"azora:http_slow_ratio:rate5m / {LATENCY_BUDGET}", "5 m"),
                (f"azora:http_slow_ratio:rate6h / {LATENCY_BUDGET}", "6 h"),
            ], thresholds=BURN_THRESHOLDS, width=8),
            Panel("Service availability burn rate (probes, 1 h)", [
                (f"azora:service_unavailability:ratio_avg1h{{{service}}} / {AVAILABILITY_BUDGET}", "{{service}}"),
            ], thresholds=BURN_THRESHOLDS, width=8),
        ]),
    ]  # fmt: skip
    return dashboard("azora-health", "Azora health and SLOs",
                     "The Health Monitor's probes, incidents and alerts; SLO error budgets and burn rates.", rows,
                     [query_variable("service", "Service", "azora_probe_up")])  # fmt: skip


def security() -> dict[str, Any]:
    rows = [
        Row("Security events", [
            Panel("Events by kind (per minute)", [
                ("sum by (kind) (rate(azora_security_events_total[$__rate_interval])) * 60", "{{kind}}")], width=12),
            Panel("Events by severity (per minute)", [
                ("sum by (severity) (rate(azora_security_events_total[$__rate_interval])) * 60", "{{severity}}")],
                  width=12),
            Panel("Failed sign-ins and MFA codes (per minute)", [
                ('sum by (kind) (rate(azora_security_events_total{kind=~"login_failed|mfa_failed"}[$__rate_interval]))'
                 " * 60", "{{kind}}")], width=8),
            Panel("Rate limits hit (per minute)", [
                ('sum(rate(azora_security_events_total{kind="rate_limited"}[$__rate_interval])) * 60', "rate_limited")],
                  width=8),
            Panel("High and critical events (last 24 h)", [
                ('sum(increase(azora_security_events_total{severity=~"high|critical"}[24h]))', "events")],
                  kind="stat", width=8,
                  thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}]),
        ]),
        Row("Edge and firewall", [
            Panel("Requests refused at the edge, by reason (per second)", [
                ("sum by (reason) (rate(azora_edge_blocked_total[$__rate_interval]))", "{{reason}}")], unit="reqps"),
            Panel("Attack probes, by attack and outcome (per minute)", [
                ("sum by (attack, blocked) (rate(azora_firewall_probes_total[$__rate_interval])) * 60",
                 "{{attack}} blocked={{blocked}}")]),
            Panel("Share of requests refused at the edge", [
                ("sum(rate(azora_edge_blocked_total[$__rate_interval])) / "
                 "clamp_min(sum(rate(azora_http_requests_total[$__rate_interval])), 1e-9)", "refused")],
                  unit="percentunit", width=24),
        ]),
        Row("Audit trail", [
            Panel("Audit records appended (per hour)", [
                ("sum(rate(azora_audit_records_total[$__rate_interval])) * 3600", "records")], width=24,
                  description="Every administrative action appends one; verify the chain with verify_audit."),
        ]),
    ]  # fmt: skip
    return dashboard("azora-security", "Azora Aegis: security events and edge",
                     "Security events by kind and severity, requests refused at the edge, attack probes, audit "
                     "records.", rows, [])  # fmt: skip


def queue_outbox() -> dict[str, Any]:
    rows = [
        Row("Task queue", [
            Panel("Tasks waiting, by queue", [("max by (queue) (azora_task_queue_depth{queue=~\"$queue\"})",
                                               "{{queue}}")], width=12),
            Panel("Oldest due task waiting", [("max(azora_task_oldest_waiting_seconds)", "oldest")], unit="s",
                  width=12, thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 300}]),
        ]),
        Row("Outbox (domain events)", [
            Panel("Pending events", [("max(azora_outbox_pending_events)", "pending")], width=8),
            Panel("Events failed for good", [("max(azora_outbox_failed_events)", "failed")], kind="stat", width=8,
                  thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
                  description="Retry them from the Master UI after fixing the cause."),
            Panel("Lag of the oldest pending event", [("max(azora_outbox_lag_seconds)", "lag")], unit="s", width=8),
        ]),
        Row("Their probes", [
            Panel("Queue, outbox and database probes", [
                ('min by (probe) (azora_probe_up{probe=~"task_queue|task_backlog|outbox|database"})', "{{probe}}"),
                ("min(azora_db_up)", "db_up (scrape)"),
            ], width=24),
        ]),
    ]  # fmt: skip
    return dashboard("azora-queue-outbox", "Azora task queue and outbox",
                     "Background tasks waiting and their age; domain events pending, failed and their lag.", rows,
                     [query_variable("queue", "Queue", "azora_task_queue_depth")])  # fmt: skip


def ledger() -> dict[str, Any]:
    money = f'route=~"{MONEY_ROUTES}"'
    rows = [
        Row("Reconciliation", [
            Panel("Finance probes (1 up, 0 down)", [('min by (probe) (azora_probe_up{service="finance"})',
                                                     "{{probe}}")], width=12,
                  description="Includes the last ledger reconciliation's result; alert AzoraLedgerReconcileNotClean."),
            Panel("Payments probes (1 up, 0 down)", [('min by (probe) (azora_probe_up{service="payments"})',
                                                      "{{probe}}")], width=12),
            Panel("Finance and payments error budgets", [
                ('min by (service, kind) (azora_slo_error_budget_remaining_ratio{service=~"finance|payments"})',
                 "{{service}} {{kind}}")], kind="bargauge", unit="percentunit", width=24),
        ]),
        Row("Money API", [
            Panel("Money requests per second by route", [
                (f"sum by (route) (rate(azora_http_requests_total{{{money}}}[$__rate_interval]))", "{{route}}")],
                  unit="reqps"),
            Panel("Money routes P95", [
                ("histogram_quantile(0.95, sum by (route, le) "
                 f"(rate(azora_http_request_duration_seconds_bucket{{{money}}}[$__rate_interval])))", "{{route}}")],
                  unit="s"),
            Panel("Money 5xx ratio", [
                (f'sum(rate(azora_http_requests_total{{status=~"5..",{money}}}[$__rate_interval])) / '
                 f"clamp_min(sum(rate(azora_http_requests_total{{{money}}}[$__rate_interval])), 1e-9)", "5xx")],
                  unit="percentunit"),
            Panel("Money security events (per hour)", [
                ('sum by (kind) (rate(azora_security_events_total{kind=~"suspicious_money_movement|'
                 'webhook_signature_invalid"}[$__rate_interval])) * 3600', "{{kind}}")]),
        ]),
    ]  # fmt: skip
    return dashboard("azora-ledger", "Azora ledger and payments",
                     "The ledger reconciliation (through the finance probe), money API traffic and errors, AML and "
                     "webhook-signature events.", rows, [])  # fmt: skip


def ai() -> dict[str, Any]:
    provider = 'provider=~"$provider"'
    rows = [
        Row("Requests and cost", [
            Panel("Chats by provider and outcome (per minute)", [
                (f"sum by (provider, outcome) (rate(azora_ai_requests_total{{{provider}}}[$__rate_interval])) * 60",
                 "{{provider}} {{outcome}}")]),
            Panel("Tokens per minute", [
                (f"sum by (provider, direction) (rate(azora_ai_tokens_total{{{provider}}}[$__rate_interval])) * 60",
                 "{{provider}} {{direction}}")]),
            Panel("Cost in the range (currency units)", [
                (f"sum by (provider, currency) (increase(azora_ai_cost_micros_total{{{provider}}}[$__range])) / 1e6",
                 "{{provider}} {{currency}}")], kind="bargauge", width=8),
            Panel("Latency P50 / P95 by provider", [
                ("histogram_quantile(0.5, sum by (provider, le) "
                 f"(rate(azora_ai_request_duration_seconds_bucket{{{provider}}}[$__rate_interval])))",
                 "P50 {{provider}}"),
                ("histogram_quantile(0.95, sum by (provider, le) "
                 f"(rate(azora_ai_request_duration_seconds_bucket{{{provider}}}[$__rate_interval])))",
                 "P95 {{provider}}"),
            ], unit="s", width=16),
        ]),
        Row("Resilience", [
            Panel("Failed attempts by kind (per minute)", [
                (f"sum by (provider, kind) (rate(azora_ai_attempt_failures_total{{{provider}}}[$__rate_interval]))"
                 " * 60", "{{provider}} {{kind}}")], width=8),
            Panel("Breakers opened", [
                (f"sum by (provider) (increase(azora_ai_breaker_opened_total{{{provider}}}[$__rate_interval]))",
                 "{{provider}}")], width=8),
            Panel("Response cache hit ratio", [
                ('sum(rate(azora_ai_cache_total{result="hit"}[$__rate_interval])) / '
                 "clamp_min(sum(rate(azora_ai_cache_total[$__rate_interval])), 1e-9)", "hits")],
                  unit="percentunit", width=8),
            Panel("Budget alerts crossed", [
                ("sum by (scope, percent) (increase(azora_ai_budget_alerts_total[$__rate_interval]))",
                 "{{scope}} {{percent}}%")], width=8),
            Panel("AI provider probes (1 up, 0 down)", [('min by (probe) (azora_probe_up{service="ai_routing"})',
                                                         "{{probe}}")], width=16),
        ]),
        Row("Constitution", [
            Panel("Decisions by action (per minute)", [
                ("sum by (action) (rate(azora_constitution_decisions_total[$__rate_interval])) * 60", "{{action}}")],
                  width=8),
            Panel("Violations by principle (per hour)", [
                ("sum by (principle) (rate(azora_constitution_violations_total[$__rate_interval])) * 3600",
                 "{{principle}}")], width=8),
            Panel("Time to decide P95", [
                ("histogram_quantile(0.95, sum by (role, le) "
                 "(rate(azora_constitution_decision_seconds_bucket[$__rate_interval])))", "{{role}}")],
                  unit="s", width=8),
            Panel("Critique-and-revise outcomes (per hour)", [
                ("sum by (outcome) (rate(azora_constitution_revisions_total[$__rate_interval])) * 3600",
                 "{{outcome}}")], width=24),
        ]),
    ]  # fmt: skip
    return dashboard("azora-ai", "Azora AI usage",
                     "AI routing by provider: chats, tokens, cost, latency, failures, breakers, cache and budgets; "
                     "the constitution's decisions.", rows,
                     [query_variable("provider", "Provider", "azora_ai_requests_total")])  # fmt: skip


DASHBOARDS = {
    "azora-health.json": health,
    "azora-security.json": security,
    "azora-queue-outbox.json": queue_outbox,
    "azora-ledger.json": ledger,
    "azora-ai.json": ai,
}


def main() -> None:
    for name, build in DASHBOARDS.items():
        (HERE / name).write_text(json.dumps(build(), indent=1) + "\n")
        print(f"wrote {name}")  # noqa: T201  # a build script reports what it wrote


if __name__ == "__main__":
    main()
