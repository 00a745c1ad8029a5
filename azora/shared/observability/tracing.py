"""OpenTelemetry tracing: an OTLP/HTTP exporter and the Django, database, Redis and HTTP-client instrumentations."""

from __future__ import annotations

import threading

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

TRACES_PATH = "/v1/traces"
_lock = threading.Lock()
_state: dict[str, TracerProvider | None] = {"provider": None}


def traces_endpoint(endpoint: str) -> str:
    """OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; the HTTP exporter posts spans under /v1/traces."""
    base = endpoint.rstrip("/")
    return base if base.endswith(TRACES_PATH) else base + TRACES_PATH


def build_provider(*, service_name: str, exporter: SpanExporter) -> TracerProvider:
    """A tracer provider that batches spans to `exporter` in a background thread."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def instrument(provider: TracerProvider) -> None:
    """Traces Django requests, PostgreSQL queries, Redis commands and outgoing HTTP calls through `provider`.

    Django's instrumentation adds its middleware at the top of settings.MIDDLEWARE, so this must run before
    the first request handler loads its middleware (AppConfig.ready does).
    """
    DjangoInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    RedisInstrumentor().instrument(tracer_provider=provider)
    RequestsInstrumentor().instrument(tracer_provider=provider)
    URLLib3Instrumentor().instrument(tracer_provider=provider)


def uninstrument() -> None:
    for instrumentor in (
        URLLib3Instrumentor(), RequestsInstrumentor(), RedisInstrumentor(), PsycopgInstrumentor(), DjangoInstrumentor(),
    ):  # fmt: skip
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()


def configure_tracing(*, endpoint: str, service_name: str) -> TracerProvider | None:
    """Exports spans over OTLP/HTTP when an endpoint is set; otherwise does nothing. Once per process."""
    if not endpoint:
        return None
    with _lock:
        if _state["provider"] is None:
            provider = build_provider(service_name=service_name, exporter=OTLPSpanExporter(traces_endpoint(endpoint)))
            trace.set_tracer_provider(provider)
            instrument(provider)
            _state["provider"] = provider
        return _state["provider"]


def configured_provider() -> TracerProvider | None:
    return _state["provider"]
