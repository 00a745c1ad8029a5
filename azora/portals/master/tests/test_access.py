"""Who may open which Master UI page: sign-in first; platform admins everywhere; finance admins only the
money pages (the dashboard's money figures); anyone else a 403 that changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

SOME_ID = "0190f1e2-0000-7000-8000-000000000001"
PLATFORM_PAGES = [
    ("get", "/master/services/"),
    ("post", "/master/services/run-probes/"),
    ("get", "/master/incidents/"),
    ("post", "/master/incidents/"),
    ("get", f"/master/incidents/{SOME_ID}/"),
    ("post", "/master/maintenance/"),
    ("post", f"/master/maintenance/{SOME_ID}/delete/"),
    ("get", "/master/security/events/"),
    ("get", "/master/security/ip-rules/"),
    ("post", "/master/security/ip-rules/"),
    ("post", f"/master/security/ip-rules/{SOME_ID}/delete/"),
    ("get", "/master/audit/"),
    ("post", "/master/audit/"),
    ("get", "/master/audit/export/"),
    ("get", "/master/ai/"),
    ("get", "/master/operations/"),
    ("post", "/master/operations/retry/"),
    ("get", "/master/users/"),
    ("get", f"/master/users/{SOME_ID}/"),
    ("post", f"/master/users/{SOME_ID}/suspend/"),
    ("post", f"/master/users/{SOME_ID}/reactivate/"),
    ("post", f"/master/users/{SOME_ID}/mfa-reset/"),
    ("post", f"/master/users/{SOME_ID}/roles/"),
    ("get", "/master/moderation/"),
    ("post", f"/master/moderation/{SOME_ID}/decide/"),
    ("get", "/master/privacy/deletion-requests/"),
    ("post", f"/master/privacy/deletion-requests/{SOME_ID}/review/"),
]
ALL_PAGES = [("get", "/master/"), *PLATFORM_PAGES]


@pytest.mark.parametrize(("method", "path"), ALL_PAGES)
def test_every_master_page_asks_a_visitor_to_sign_in(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("method", "path"), ALL_PAGES)
def test_a_learner_is_refused_every_master_page_and_nothing_changes(
    learner_client: Client, method: str, path: str
) -> None:
    events_before = OutboxEvent.objects.count()

    response = getattr(learner_client, method)(path, {"suspend-reason": "x", "role-role": "platform_admin"})

    assert response.status_code == 403
    assert OutboxEvent.objects.count() == events_before


@pytest.mark.parametrize(("method", "path"), PLATFORM_PAGES)
def test_a_finance_admin_is_refused_the_platform_pages(finance_client: Client, method: str, path: str) -> None:
    response = getattr(finance_client, method)(path)

    assert response.status_code == 403


def test_a_finance_admin_sees_only_the_money_figures_of_the_dashboard(finance_client: Client) -> None:
    response = finance_client.get("/master/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "AZR burned" in body
    assert "Security events today" not in body
    assert "/master/users/" not in body


def test_the_shell_menu_links_to_operations_only_for_operators(
    operator_client: Client, learner_client: Client, finance_client: Client, operator: User
) -> None:
    link = 'href="/master/"'

    assert link in operator_client.get("/pay/").content.decode()
    assert link in finance_client.get("/pay/").content.decode()
    assert link not in learner_client.get("/pay/").content.decode()
