"""ai_routing.public.offline_only(): True when no provider but the built-in offline one is active (issue 7, gap 5)."""

from __future__ import annotations

import pytest

from azora.ai_routing.models import Provider
from azora.ai_routing.public import offline_only

pytestmark = pytest.mark.django_db


def external(name: str, kind: str, *, is_active: bool = True) -> Provider:
    return Provider.objects.create(
        name=name, kind=kind, base_url="http://127.0.0.1:9/v1", model="m", priority=10, is_active=is_active
    )


def test_only_the_offline_provider_is_offline_only() -> None:
    assert list(Provider.objects.filter(is_active=True).values_list("kind", flat=True)) == ["local"]
    assert offline_only() is True


@pytest.mark.parametrize("kind", ["openai_compatible", "anthropic"])
def test_an_active_external_provider_is_not_offline_only(kind: str) -> None:
    external("model", kind)
    assert offline_only() is False


def test_an_inactive_external_provider_does_not_count() -> None:
    external("paused", "openai_compatible", is_active=False)
    assert offline_only() is True


def test_no_provider_at_all_is_offline_only() -> None:
    # Nothing but the (inactive) offline one: no model would answer either way, so no caller should try one.
    Provider.objects.update(is_active=False)
    assert offline_only() is True
