"""Request and response building blocks every app's /api/v1 schemas share: strict input, amounts of money, and
trusted JSON responses for hot read endpoints (ADR 0016)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.renderers import JSONRenderer
from pydantic import ConfigDict

from azora.shared.money import Money

# The API's renderer (the gateway's NinjaAPI keeps ninja's default JSON renderer).
_RENDERER = JSONRenderer()


class StrictIn(Schema):
    """A request body that refuses fields it does not declare (422 `extra_forbidden`, naming the field)."""

    model_config = ConfigDict(extra="forbid")


class AmountOut(Schema):
    """An amount three ways: the exact decimal string, its currency and the integer in minor units."""

    amount: str = Field(description='Exact decimal string with the currency\'s decimals, e.g. "12.50".')
    currency: str
    minor: int = Field(description="The amount in minor units (cents), an integer.")


def amount_out(money: Money) -> AmountOut:
    return AmountOut(amount=f"{money.to_decimal():.{money.exponent}f}", currency=money.currency, minor=money.minor)


def amount_json(money: Money) -> dict[str, Any]:
    """`amount_out` as a plain dict, for the `*_json` builders of trusted responses."""
    return {"amount": f"{money.to_decimal():.{money.exponent}f}", "currency": money.currency, "minor": money.minor}


def trusted_json(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """A 200 JSON response of a dict built by an app's `*_json` functions (each proved equal to its response
    schema's dump in tests), rendered by the API's own renderer without validating it again: on a hot list page,
    building and validating the response schemas cost more CPU than the queries (ADR 0016)."""
    content = _RENDERER.render(request, data, response_status=200)
    return HttpResponse(content, status=200, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")
