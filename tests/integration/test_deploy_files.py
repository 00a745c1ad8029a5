"""The deployment files parse, probe the real health endpoints and alert only on metrics Azora exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import resolve

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES = DEPLOY / "kubernetes"

# The metric names azora.shared.observability exports (and the outbox gauges it reads at scrape time).
EXPORTED_METRICS = frozenset(
    {
        "azora_http_requests_total",
        "azora_http_request_duration_seconds_bucket",
        "azora_http_exceptions_total",
        "azora_db_up",
        "azora_task_queue_depth",
        "azora_task_oldest_waiting_seconds",
        "azora_outbox_pending_events",
        "azora_outbox_failed_events",
        "azora_outbox_lag_seconds",
    }
)
PROMQL_WORDS = frozenset(
    {
        "sum", "min", "max", "avg", "count", "topk", "rate", "increase", "histogram_quantile", "clamp_min",
        "absent", "by", "without", "on", "ignoring", "and", "or", "unless", "bool",
    }
)  # fmt: skip
ROLES = {
    "azora-web": ["serve", "--port", "8000"],
    "azora-worker": ["worker", "--no-scheduler"],
    "azora-scheduler": ["scheduler"],
    "azora-migrate": ["migrate"],
}


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression reads: its identifiers minus functions, keywords and labels."""
    expression = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)  # label values
    expression = re.sub(r"\{[^}]*\}", "", expression)  # label matchers
    expression = re.sub(r"\[[^\]]*\]", "", expression)  # range selectors
    expression = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", expression)  # grouping labels
    expression = re.sub(r"(?<![A-Za-z_])\d+(?:\.\d+)?(?:e[-+]?\d+)?", "", expression)  # numbers, 1e-9
    return set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expression)) - PROMQL_WORDS


def kubernetes_objects() -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        objects += [document for document in yaml.safe_load_all(path.read_text()) if document]
    return objects


def workloads() -> dict[str, dict[str, Any]]:
    return {item["metadata"]["name"]: item for item in kubernetes_objects() if item["kind"] in {"Deployment", "Job"}}


def only_container(workload: dict[str, Any]) -> dict[str, Any]:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


@pytest.mark.parametrize("path", sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")]), ids=lambda path: path.name)
def test_every_yaml_file_parses(path: Path) -> None:
    documents = [document for document in yaml.safe_load_all(path.read_text()) if document is not None]
    assert documents


@pytest.mark.parametrize("path", sorted(DEPLOY.rglob("*.json")), ids=lambda path: path.name)
def test_every_json_file_parses(path: Path) -> None:
    assert isinstance(json.loads(path.read_text()), dict)


def test_the_kustomization_lists_every_manifest_and_nothing_else() -> None:
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    manifests = {path.name for path in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(manifests)


def test_each_role_runs_its_azora_command() -> None:
    assert {name: only_container(item)["args"] for name, item in workloads().items()} == ROLES


def test_web_probes_point_at_livez_and_readyz_which_exist() -> None:
    web = only_container(workloads()["azora-web"])
    assert web["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert web["startupProbe"]["httpGet"]["path"] == "/livez"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert resolve("/livez").url_name == "livez"
    assert resolve("/readyz").url_name == "readyz"


def test_every_workload_runs_non_root_on_a_read_only_file_system() -> None:
    for workload in workloads().values():
        pod = workload["spec"]["template"]["spec"]
        container = only_container(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert pod["automountServiceAccountToken"] is False
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert "memory" in container["resources"]["limits"]


def test_secrets_are_referenced_never_committed() -> None:
    assert [item for item in kubernetes_objects() if item["kind"] == "Secret"] == []
    for workload in workloads().values():
        sources = only_container(workload)["envFrom"]
        assert {"secretRef": {"name": "azora-secrets"}} in sources


def test_alert_rules_use_only_exported_metrics() -> None:
    groups = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    used: set[str] = set()
    for rule in rules:
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= EXPORTED_METRICS, (rule["alert"], names - EXPORTED_METRICS)
        used |= names
    assert used == EXPORTED_METRICS


def test_dashboard_queries_use_only_exported_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "azora-overview.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] if panel["type"] != "row" for target in panel["targets"]
    ]
    assert expressions
    for expression in expressions:
        assert metric_names(expression.replace("$__rate_interval", "5m")) <= EXPORTED_METRICS, expression


def test_nginx_terminates_modern_tls_and_limits_bodies() -> None:
    config = (DEPLOY / "nginx" / "azora.conf").read_text()
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in config
    assert "client_max_body_size 1m;" in config
    assert 'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;' in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert "proxy_set_header X-Request-ID $azora_request_id;" in config
    assert "keepalive 64;" in config


def test_the_image_runs_as_a_non_root_user_with_the_azora_entry_point() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "FROM python:3.12-slim" in dockerfile
    assert "USER 10001:10001" in dockerfile
    assert 'ENTRYPOINT ["azora"]' in dockerfile
    assert "uv pip sync --python /opt/venv/bin/python requirements/lock.txt" in dockerfile
