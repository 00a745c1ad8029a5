"""Tracing: the server span continues the caller's W3C trace, database and Redis spans nest in it, OTLP export."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection
from django.test import AsyncClient, Client
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from azora.shared.observability import tracing
from azora.shared.observability.tests.conftest import CapturedLog

pytestmark = pytest.mark.urls("azora.shared.observability.tests.urls")

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
OTEL_MIDDLEWARE = "opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware"


class Traced:
    def __init__(self, provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
        self.provider = provider
        self.exporter = exporter

    def spans(self) -> tuple[ReadableSpan, ...]:
        self.provider.force_flush()
        return self.exporter.get_finished_spans()

    def server_span(self) -> ReadableSpan:
        [span] = [span for span in self.spans() if span.kind == SpanKind.SERVER]
        return span

    def children_of(self, parent: ReadableSpan, db_system: str) -> list[ReadableSpan]:
        return [
            span for span in self.spans()
            if span.parent is not None and span.parent.span_id == parent.context.span_id
            and span.attributes is not None and span.attributes.get("db.system") == db_system
        ]  # fmt: skip


@pytest.fixture
def traced() -> Iterator[Traced]:
    """Tracing on for one test, through the same provider and instrumentations production uses."""
    exporter = InMemorySpanExporter()
    provider = tracing.build_provider(service_name="azora-test", exporter=exporter)
    tracing.instrument(provider)
    yield Traced(provider, exporter)
    tracing.uninstrument()
    provider.shutdown()


def test_tracing_is_off_without_an_endpoint() -> None:
    assert tracing.configure_tracing(endpoint="", service_name="azora") is None
    assert tracing.configured_provider() is None
    assert OTEL_MIDDLEWARE not in settings.MIDDLEWARE


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("https://otlp.example/v1/traces", "https://otlp.example/v1/traces"),
    ],
)
def test_the_traces_endpoint_is_under_the_base_url(endpoint: str, expected: str) -> None:
    assert tracing.traces_endpoint(endpoint) == expected


@pytest.mark.django_db
def test_the_server_span_continues_the_incoming_trace_and_logs_carry_it(
    traced: Traced, captured_log: CapturedLog
) -> None:
    response = Client().get("/items/9", headers={"traceparent": TRACEPARENT, "X-Request-ID": "traced-1"})

    assert response.status_code == 200
    server = traced.server_span()
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == PARENT_ID
    assert server.name == "GET items/<int:item_id>"
    span_id = format(server.context.span_id, "016x")
    for event in ("item_read", "request"):
        [line] = captured_log.events(event)
        assert (line["request_id"], line["trace_id"], line["span_id"]) == ("traced-1", TRACE_ID, span_id)


@pytest.mark.django_db
def test_under_asgi_the_server_span_continues_the_trace_and_logs_carry_it(
    traced: Traced, captured_log: CapturedLog
) -> None:
    """`azora serve` runs Django under ASGI: the same span, the same ids in the log lines."""
    response = async_to_sync(AsyncClient().get)("/items/5", headers={"traceparent": TRACEPARENT})

    assert response.status_code == 200
    server = traced.server_span()
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == PARENT_ID
    span_id = format(server.context.span_id, "016x")
    for event in ("item_read", "request"):
        [line] = captured_log.events(event)
        assert (line["trace_id"], line["span_id"]) == (TRACE_ID, span_id)


@pytest.mark.django_db
def test_without_a_traceparent_a_new_trace_starts_and_logs_carry_it(traced: Traced, captured_log: CapturedLog) -> None:
    Client().get("/items/1")

    server = traced.server_span()
    assert server.parent is None
    [line] = captured_log.events("request")
    assert line["trace_id"] == format(server.context.trace_id, "032x")


def _reopen_connections() -> None:
    """Drop this thread's connection and, in production's pooled set-up, the pool's idle ones too."""
    connection.close()
    connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it; only run there


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_queries_are_child_spans_of_the_request(traced: Traced) -> None:
    _reopen_connections()  # the next connection is opened through the instrumented driver
    try:
        response = Client().get("/readyz", headers={"traceparent": TRACEPARENT})
    finally:
        _reopen_connections()

    assert response.status_code == 200
    server = traced.server_span()
    queries = traced.children_of(server, "postgresql")
    assert queries
    assert {format(span.context.trace_id, "032x") for span in queries} == {TRACE_ID}
    assert any(span.name == "SELECT" for span in queries)


@pytest.mark.redis
@pytest.mark.django_db
def test_cache_commands_are_child_spans_of_the_request(traced: Traced) -> None:
    Client().get("/readyz", headers={"traceparent": TRACEPARENT})

    server = traced.server_span()
    commands = {span.name for span in traced.children_of(server, "redis")}
    assert {"SET", "GET"} <= commands


class _Receiver(BaseHTTPRequestHandler):
    """Stands in for the OpenTelemetry collector (a third-party service): keeps what it is sent."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class _Upstream(BaseHTTPRequestHandler):
    """Another service our code calls: keeps the trace context headers it is sent."""

    traceparents: list[str | None] = []

    def do_GET(self) -> None:
        self.traceparents.append(self.headers.get("traceparent"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.mark.django_db
def test_outgoing_http_calls_are_child_spans_and_carry_the_trace(traced: Traced) -> None:
    _Upstream.traceparents = []
    upstream = HTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    try:
        response = Client().get(
            "/outgoing", {"target": f"http://127.0.0.1:{upstream.server_port}/ping"},
            headers={"traceparent": TRACEPARENT},
        )  # fmt: skip
    finally:
        upstream.shutdown()
        upstream.server_close()

    assert response.json() == {"upstream_status": 204}
    server = traced.server_span()
    [client_span] = [
        span for span in traced.spans()
        if span.kind == SpanKind.CLIENT and span.parent is not None and span.parent.span_id == server.context.span_id
    ]  # fmt: skip
    assert client_span.name == "GET"
    [sent] = _Upstream.traceparents
    assert sent is not None
    version, trace_id, parent_id, _flags = sent.split("-")
    assert (version, trace_id) == ("00", TRACE_ID)
    # The callee's parent is the outgoing call's span (requests' or urllib3's, whichever is innermost).
    assert int(parent_id, 16) in {span.context.span_id for span in traced.spans() if span.kind == SpanKind.CLIENT}


EXPORT_ONE_REQUEST = """
import django
django.setup()
from django.conf import settings
from django.test import AsyncClient, Client
from django.test.utils import setup_test_environment
from opentelemetry import trace
from azora.shared.observability import setup
setup.configure()  # a second call changes nothing
setup_test_environment()
assert settings.MIDDLEWARE.count("{middleware}") == 1
response = Client().get("/livez", headers={{"traceparent": "{traceparent}"}})
assert response.status_code == 200
trace.get_tracer_provider().force_flush()
"""


def test_spans_are_exported_over_otlp_http_when_an_endpoint_is_set(tmp_path: Path) -> None:
    """A whole process configured from the environment, as `azora serve` is, exports its request's span."""
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    environment = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "OTEL_SERVICE_NAME": "azora-export-test",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}",
    }  # fmt: skip
    try:
        subprocess.run(  # noqa: S603 -- our own interpreter running our own code
            [sys.executable, "-c", EXPORT_ONE_REQUEST.format(middleware=OTEL_MIDDLEWARE, traceparent=TRACEPARENT)],
            env=environment, check=True, cwd=settings.BASE_DIR, capture_output=True,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()

    # The batch processor may send the process's spans in more than one export (the edge's first database read
    # has a span of its own); every export goes to the traces path with the service's resource.
    assert {path for path, _ in _Receiver.received} == {"/v1/traces"}
    resources = [
        resource_spans
        for _, body in _Receiver.received
        for resource_spans in ExportTraceServiceRequest.FromString(body).resource_spans
    ]
    for resource_spans in resources:
        attributes = {item.key: item.value.string_value for item in resource_spans.resource.attributes}
        assert attributes["service.name"] == "azora-export-test"
    spans = [span for resource_spans in resources for scope in resource_spans.scope_spans for span in scope.spans]
    [server_span] = [span for span in spans if span.kind == span.SPAN_KIND_SERVER]
    assert server_span.trace_id.hex() == TRACE_ID
    assert server_span.parent_span_id.hex() == PARENT_ID
    assert server_span.name == "GET livez"
