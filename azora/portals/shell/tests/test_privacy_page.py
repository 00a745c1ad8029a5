"""The "Your data" page: download all your data, consents, and a deletion request, without JavaScript."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import Membership, Organisation, User
from azora.accounts.tests.factories import UserFactory
from azora.portals.shell.tests.helpers import login_url
from azora.security.models import ConsentRecord, DataExport, DeletionRequest

pytestmark = pytest.mark.django_db

URL = "/account/privacy/"


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL)["Location"] == login_url(URL)
    assert client.post(f"{URL}deletion/")["Location"] == login_url(f"{URL}deletion/")
    assert DeletionRequest.objects.count() == 0


def test_the_page_is_in_the_account_menu_with_its_three_parts(signed_in: Client) -> None:
    response = signed_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/account/privacy/" aria-current="page">Your data</a>' in html
    assert "Download your data" in html
    assert 'name="purpose" value="marketing_email"' in html
    assert "Ask for my account to be deleted" in html


def test_asking_for_a_download_then_downloading_it(
    signed_in: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"{URL}export/")

    assert response["Location"] == URL
    export = DataExport.objects.get(user=person)
    page = signed_in.get(URL).content.decode()
    assert f'href="/account/privacy/exports/{export.id}/"' in page
    download = signed_in.get(f"/account/privacy/exports/{export.id}/")
    assert json.loads(download.content)["user_id"] == str(person.pk)
    assert download["Content-Disposition"] == f'attachment; filename="azora-my-data-{export.id}.json"'


def test_someone_elses_download_is_a_404(signed_in: Client, django_capture_on_commit_callbacks: Any) -> None:
    other = UserFactory()
    other_client = Client()
    other_client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(f"{URL}export/")

    assert signed_in.get(f"/account/privacy/exports/{DataExport.objects.get().id}/").status_code == 404


def test_consents_saved_only_when_they_change(signed_in: Client, person: User) -> None:
    signed_in.post(f"{URL}consents/", {"purpose": ["marketing_email"]})
    first = ConsentRecord.objects.filter(user=person).count()
    signed_in.post(f"{URL}consents/", {"purpose": ["marketing_email"]})

    assert first == 3  # one decision per purpose, given or refused
    assert ConsentRecord.objects.filter(user=person).count() == 3
    granted = ConsentRecord.objects.get(user=person, purpose="marketing_email")
    assert granted.granted is True
    assert 'value="marketing_email" checked' in signed_in.get(URL).content.decode()


def test_a_deletion_request_and_its_withdrawal(signed_in: Client, person: User) -> None:
    response = signed_in.post(f"{URL}deletion/", {"reason": "moving on"})

    assert response["Location"] == URL
    request = DeletionRequest.objects.get(user=person)
    assert (request.status, request.reason) == ("pending", "moving on")
    page = signed_in.get(URL).content.decode()
    assert "Withdraw my request" in page
    signed_in.post(f"{URL}deletion/{request.id}/cancel/")
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_a_blocked_deletion_shows_why_and_saves_nothing(signed_in: Client, person: User) -> None:
    organisation = Organisation.objects.create(name="Ubuntu Academy", slug="ubuntu-academy")
    Membership.objects.create(organisation=organisation, user=person, role="owner")
    Membership.objects.create(organisation=organisation, user=UserFactory(), role="member")

    page = signed_in.get(URL).content.decode()
    response = signed_in.post(f"{URL}deletion/", follow=True)

    assert "You are the only owner of Ubuntu Academy" in page
    assert "Ask for my account to be deleted" not in page
    assert "You are the only owner of Ubuntu Academy" in response.content.decode()
    assert DeletionRequest.objects.count() == 0
