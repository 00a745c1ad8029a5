"""The shell's layout, PWA files and home page, and allauth's pages rendered inside the layout."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.factories import OrganisationFactory
from azora.portals.shell.tests.helpers import HTMX, is_fragment

pytestmark = pytest.mark.django_db

ALLAUTH_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = [
    "/",
    "/account/profile/",
    "/account/api-keys/",
    "/organisations/",
    "/accounts/2fa/",
    "/accounts/2fa/webauthn/",
    "/accounts/sessions/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def _inline_scripts_without_nonce(html: str) -> list[str]:
    """Inline scripts the CSP would block: no src, not a JSON data block, no nonce."""
    blocked = []
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag or 'type="application/json"' in tag or "nonce=" in tag:
            continue
        blocked.append(tag)
    return blocked


def _assert_in_layout(html: str) -> None:
    assert re.search(r'<html lang="en" dir="ltr"', html)
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<footer class="site-footer">' in html
    assert '<select id="language-select" name="language">' in html
    assert "/static/shell/azora.css" in html
    assert re.search(r'<script src="/static/shell/vendor/htmx\.min\.js" defer></script>', html)
    assert "style=" not in html  # style-src 'self': no inline styles anywhere
    assert _inline_scripts_without_nonce(html) == []


@pytest.mark.parametrize("path", ALLAUTH_PAGES)
def test_allauth_pages_for_visitors_render_in_the_shell_layout(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    _assert_in_layout(response.content.decode())
    assert "'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_pages_for_signed_in_people_render_in_the_shell_layout(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_layout(html)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '<button type="submit" class="link-button">Sign out</button>' in html


def test_the_current_section_is_marked_in_the_navigation(signed_in: Client) -> None:
    html = signed_in.get("/organisations/").content.decode()

    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/organisations/"]


def test_allauth_login_page_labels_every_field(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()

    assert '<label for="id_login">Email:</label>' in html
    assert '<label for="id_password">Password:</label>' in html
    assert 'class="button"' in html


def test_home_welcomes_visitors(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Learn, build and earn with Azora</h1>" in html
    assert 'href="/accounts/signup/"' in html


def test_home_shows_a_signed_in_persons_organisations(signed_in: Client, person: User) -> None:
    OrganisationFactory(owner=person, name="Khanya Academy")

    response = signed_in.get("/")

    html = response.content.decode()
    assert "<h1>Welcome, Thandi</h1>" in html
    assert '>Khanya Academy</a> <span class="badge">Owner</span>' in html


def test_home_answers_htmx_with_the_dashboard_fragment(signed_in: Client) -> None:
    response = signed_in.get("/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert response.content.decode().strip().startswith('<div id="dashboard">')
    assert "HX-Request" in response["Vary"]


def test_offline_page_is_the_same_for_everyone(signed_in: Client) -> None:
    response = signed_in.get("/offline/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>You are offline</h1>" in html
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html
    assert "Thandi" not in html
    assert 'class="site-nav"' not in html


def test_manifest_describes_the_installable_app(client: Client) -> None:
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert {key: manifest[key] for key in ("name", "short_name", "start_url", "scope", "display", "theme_color")} == {
        "name": "Azora",
        "short_name": "Azora",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#1e3a8a",
    }
    assert [(icon["src"], icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("/static/shell/icons/azora.svg", "any", "any"),
        ("/static/shell/icons/azora-192.png", "192x192", "any"),
        ("/static/shell/icons/azora-512.png", "512x512", "any"),
        ("/static/shell/icons/azora-maskable-512.png", "512x512", "maskable"),
    ]
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")) is not None


def test_service_worker_is_served_from_the_root_with_its_scope(client: Client) -> None:
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/";' in script
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    assert precache == [
        "/static/shell/azora.css",
        "/static/shell/azora.js",
        "/static/shell/vendor/htmx.min.js",
        "/static/shell/icons/azora.svg",
        "/static/shell/icons/azora-192.png",
    ]
    assert re.search(r'const CACHE_NAME = "azora-shell-[0-9a-f]{16}";', script)


def test_language_switcher_changes_the_language_without_javascript(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="fr"' in html
    assert '<option value="fr" lang="fr" selected>français</option>' in html


def test_a_missing_page_is_answered_in_the_layout(signed_in: Client) -> None:
    response = signed_in.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    _assert_in_layout(html)
    assert "<h1>Page not found</h1>" in html


def test_a_missing_api_resource_stays_a_problem_response(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
