"""The API keys page: list, create (the raw key shown once) and revoke, for a person and their organisations."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from azora.accounts.models import ApiKey, User
from azora.accounts.tests.factories import ApiKeyFactory, MembershipFactory, OrganisationFactory, UserFactory
from azora.portals.shell.tests.helpers import HTMX, is_fragment, login_url

pytestmark = pytest.mark.django_db

URL = "/account/api-keys/"


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    key = ApiKeyFactory()
    revoke = f"/account/api-keys/{key.id}/revoke/"
    assert client.get(URL)["Location"] == login_url(URL)
    assert client.post(URL, {"name": "x", "scopes": ["profile:read"]})["Location"] == login_url(URL)
    assert client.post(revoke)["Location"] == login_url(revoke)
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.revoked_at is None


def test_get_lists_the_persons_keys_only(
    signed_in: Client, person: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(3):
        ApiKeyFactory(user=person, name=f"Mine {number}")
    ApiKeyFactory(user=UserFactory(), name="Not mine")

    with django_assert_max_num_queries(10):  # the same few queries however many keys there are
        response = signed_in.get(URL)

    assert response.status_code == 200
    assert [key.name for key in response.context["keys"]] == ["Mine 0", "Mine 1", "Mine 2"]
    assert "Not mine" not in response.content.decode()
    # Without an organisation to manage there is nothing to choose: the owner is the person.
    assert '<input type="hidden" name="organisation"' in response.content.decode()


def test_post_creates_a_key_and_shows_it_once(signed_in: Client, person: User) -> None:
    response = signed_in.post(
        URL, {"name": "Nightly export", "scopes": ["profile:read", "organisations:read"], "expires_on": ""}
    )

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    raw = response.context["created"].key
    assert raw.startswith(f"azk_{key.prefix}_")
    assert key.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert (key.name, sorted(key.scopes), key.user_id, key.organisation_id, key.expires_at) == (
        "Nightly export",
        ["organisations:read", "profile:read"],
        person.id,
        None,
        None,
    )
    assert f'<code id="new-api-key" class="secret">{raw}</code>' in response.content.decode()
    assert raw not in signed_in.get(URL).content.decode()


def test_post_with_an_expiry_day_sets_the_end_of_that_day(signed_in: Client) -> None:
    day = (timezone.now() + timedelta(days=30)).date()

    response = signed_in.post(URL, {"name": "Temporary", "scopes": ["profile:read"], "expires_on": day.isoformat()})

    assert response.status_code == 201
    assert ApiKey.objects.get().expires_at == datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


def test_post_without_scopes_or_name_shows_the_errors_and_creates_nothing(signed_in: Client) -> None:
    response = signed_in.post(URL, {"name": "", "expires_on": "2001-01-01"})

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "name": ["This field is required."],
        "scopes": ["This field is required."],
        "expires_on": ["Choose today or a later day."],
    }
    assert response.context["created"] is None
    assert ApiKey.objects.count() == 0


def test_post_with_an_unknown_scope_creates_nothing(signed_in: Client) -> None:
    response = signed_in.post(URL, {"name": "Sneaky", "scopes": ["everything"]})

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["scopes"]
    assert ApiKey.objects.count() == 0


def test_an_organisation_manager_creates_an_organisation_key(signed_in: Client, person: User) -> None:
    organisation = OrganisationFactory(owner=person, name="Khanya Academy")

    response = signed_in.post(URL, {"name": "CI", "scopes": ["organisations:read"], "organisation": organisation.id})

    assert response.status_code == 201
    key = ApiKey.objects.get()
    assert (key.user_id, key.organisation_id) == (None, organisation.id)
    assert [summary.name for summary in response.context["keys"]] == ["CI"]
    assert response.context["owner_name"] == "Khanya Academy"


def test_a_plain_member_cannot_create_an_organisation_key(signed_in: Client, person: User) -> None:
    organisation = OrganisationFactory(owner=UserFactory())
    MembershipFactory(organisation=organisation, user=person, role="member")

    response = signed_in.post(URL, {"name": "CI", "scopes": ["organisations:read"], "organisation": organisation.id})

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["organisation"]
    assert ApiKey.objects.count() == 0


def test_htmx_post_answers_with_the_panel_fragment_holding_the_key(signed_in: Client) -> None:
    response = signed_in.post(URL, {"name": "Nightly export", "scopes": ["profile:read"]}, headers=HTMX)

    assert response.status_code == 201
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.strip().startswith('<div id="api-keys-panel">')
    assert response.context["created"].key in html


def test_htmx_post_with_bad_input_answers_with_the_fragment_and_errors(signed_in: Client) -> None:
    response = signed_in.post(URL, {"name": "x"}, headers=HTMX)

    assert response.status_code == 422
    assert is_fragment(response.content)
    assert ApiKey.objects.count() == 0


def test_revoking_a_key(signed_in: Client, person: User) -> None:
    key = ApiKeyFactory(user=person)

    response = signed_in.post(f"/account/api-keys/{key.id}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == URL
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "The key was revoked; it no longer works." in signed_in.get(URL).content.decode()


def test_htmx_revocation_answers_with_the_panel_fragment(signed_in: Client, person: User) -> None:
    key = ApiKeyFactory(user=person, name="Old")

    response = signed_in.post(f"/account/api-keys/{key.id}/revoke/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert "The key was revoked; it no longer works." in response.content.decode()
    assert response.context["keys"] == []


def test_revoking_someone_elses_key_is_not_found_and_changes_nothing(signed_in: Client) -> None:
    key = ApiKeyFactory(user=UserFactory())

    response = signed_in.post(f"/account/api-keys/{key.id}/revoke/")

    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_revoking_needs_a_post(signed_in: Client, person: User) -> None:
    key = ApiKeyFactory(user=person)

    assert signed_in.get(f"/account/api-keys/{key.id}/revoke/").status_code == 405
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_ai_chat_scope_is_offered_and_a_key_can_be_made_with_it(signed_in: Client, person: User) -> None:
    html = signed_in.get(URL).content.decode()
    assert 'value="ai:chat"' in html
    assert "Chat with the platform&#x27;s AI (ai:chat)" in html

    response = signed_in.post(URL, {"name": "Tutor bot", "scopes": ["ai:chat"]})

    assert response.status_code == 201
    assert list(ApiKey.objects.values_list("user_id", "scopes")) == [(person.id, ["ai:chat"])]
