"""Test helpers for trusted JSON responses (ADR 0016): what the API's renderer makes of a pre-built dict and of a
response schema's dump, as the client would read them, so that a test can prove the two equal."""

from __future__ import annotations

import json
from typing import Any

from ninja.renderers import JSONRenderer
from pydantic import BaseModel


def rendered(data: Any) -> Any:
    """`data` through the API's JSON renderer and back: what a client reads."""
    return json.loads(JSONRenderer().render(None, data, response_status=200))  # type: ignore[arg-type]


def rendered_dump(model: BaseModel) -> Any:
    """A response schema instance's dump, rendered as the API would render it."""
    return rendered(model.model_dump())
