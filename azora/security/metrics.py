"""Aegis's Prometheus metrics: security events, requests the edge refused, attack probes the firewall saw."""

from __future__ import annotations

from prometheus_client import Counter

SECURITY_EVENTS = Counter(
    "azora_security_events_total", "Security events recorded, by kind and severity.", ["kind", "severity"]
)
EDGE_BLOCKED = Counter(
    "azora_edge_blocked_total",
    "Requests the edge answered 403 (or 431) before any app code, by reason "
    "(ip_rule, automatic_block, firewall, header_limit).",
    ["reason"],
)
FIREWALL_PROBES = Counter(
    "azora_firewall_probes_total",
    "Attack probes the request firewall recognised (sqli, xss, path_traversal), blocked or only logged.",
    ["attack", "blocked"],
)
AUDIT_RECORDS = Counter("azora_audit_records_total", "Audit records appended to the chain.")
