"""prepare_worker: a web worker freezes what it loaded, so full collections no longer walk it."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs with the collector as usual


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_loading_an_entry_point_freezes_the_loaded_objects(entry_point: str) -> None:
    assert gc.get_freeze_count() == 0

    module = importlib.reload(importlib.import_module(entry_point))

    assert callable(module.application)
    # The application, its URL patterns and every API module were loaded before the freeze: all of them.
    assert gc.get_freeze_count() > 50_000
    assert not any(obj is module.application for obj in gc.get_objects(generation=2))
