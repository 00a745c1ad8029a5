"""Every Master UI page opens for a platform admin, with its heading, on an empty platform and with data."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    ("/master/", "Operations dashboard"),
    ("/master/services/", "Services"),
    ("/master/incidents/", "Incidents"),
    ("/master/security/events/", "Security events"),
    ("/master/security/ip-rules/", "IP rules"),
    ("/master/audit/", "Audit log"),
    ("/master/ai/", "AI usage and the constitution"),
    ("/master/operations/", "Outbox and task queue"),
    ("/master/users/", "Users"),
    ("/master/moderation/", "Moderation queue"),
    ("/master/privacy/deletion-requests/", "Deletion requests"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_every_page_opens_for_a_platform_admin(operator_client: Client, path: str, heading: str) -> None:
    response = operator_client.get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert 'aria-label="Operations"' in body
    assert response["Cache-Control"].startswith("max-age=0")
