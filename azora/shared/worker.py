"""What a web worker process does once, after loading the application and before serving its first request.

Python's cyclic garbage collector examines every tracked object in a full (generation 2) collection, and a loaded
Azora process holds about 265,000 of them (modules, classes, URL patterns, schemas, translations) that live as
long as the process. A full collection then stops every thread of the worker for 100-250 ms on the benchmark
hosts, and it comes whenever enough new long-lived objects have piled up: that pause was the P99 of every paced
benchmark (docs/performance.md, "Education"). `gc.freeze()` moves everything alive at that moment into a permanent
generation that collections skip, as Instagram's and other large Django deployments do; later objects are
collected as before, so nothing leaks that would not leak anyway.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver

__all__ = ["prepare_worker"]


def prepare_worker() -> None:
    """Loads what the first request would load (every URL pattern and so every view module), then freezes the
    objects alive now out of the collector's full collections."""
    get_resolver().url_patterns  # noqa: B018 - evaluating it imports every app's views and API modules
    gc.collect()
    gc.freeze()
