"""Constitution versions: loaded from the repository on migrate, edited by admins as new versions, never changed."""

from __future__ import annotations

import pytest
from django.test import Client

from azora.accounts.tests.factories import UserFactory
from azora.constitution import public, services
from azora.constitution.document import repo_source
from azora.constitution.errors import ConstitutionInvalid
from azora.constitution.models import ConstitutionVersion, OrganisationPolicy
from azora.constitution.policy import Profile

pytestmark = pytest.mark.django_db


def test_migrate_loaded_the_repository_file_once() -> None:
    [version] = ConstitutionVersion.objects.all()
    assert (version.number, version.document_version, version.origin, version.source) == (1, 1, "repo", repo_source())
    assert services.constitution_sync_from_repo() is False
    assert ConstitutionVersion.objects.count() == 1


def test_a_new_version_becomes_current_and_the_old_one_is_kept() -> None:
    edited = repo_source().replace("title: The Azora Constitution", "title: The Azora Constitution (2027)")
    user = UserFactory()
    current = services.constitution_version_create(source=edited, created_by_id=user.id, note="new title")
    assert (current.number, current.title, current.origin, current.note) == (
        2,
        "The Azora Constitution (2027)",
        "admin",
        "new title",
    )
    assert public.constitution_current() == current
    assert list(ConstitutionVersion.objects.order_by("number").values_list("number", "origin")) == [
        (1, "repo"),
        (2, "admin"),
    ]
    # The same repository file is not loaded again over the admin's edit.
    assert services.constitution_sync_from_repo() is False


def test_an_invalid_document_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ConstitutionInvalid, match=r"weight. must be 30"):
        services.constitution_version_create(source="version: 2\ntitle: T\nprinciples:\n  - id: ubuntu\n")
    with pytest.raises(ConstitutionInvalid, match="not valid YAML"):
        services.constitution_version_create(source="version: [")
    assert ConstitutionVersion.objects.count() == 1


def test_without_any_version_the_repository_file_is_shown_as_version_zero() -> None:
    ConstitutionVersion.objects.all().delete()
    current = public.constitution_current()
    assert (current.number, current.document_version, current.created_at) == (0, 1, None)


def test_an_admin_edit_saves_a_new_version() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    version = ConstitutionVersion.objects.get()
    url = f"/admin/constitution/constitutionversion/{version.pk}/change/"
    edited = repo_source().replace("version: 1", "version: 2")
    response = client.post(url, {"source": edited, "note": "bump"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(ConstitutionVersion.objects.order_by("number").values_list("number", "document_version", "origin")) == [
        (1, 1, "repo"),
        (2, 2, "admin"),
    ]
    assert ConstitutionVersion.objects.get(number=1).source == repo_source()
    assert ConstitutionVersion.objects.get(number=2).created_by_id == admin.id
    # An invalid edit is shown back with the reason; nothing is written.
    response = client.post(url, {"source": "version: 3\nprinciples: []\ntitle: x", "note": ""})
    assert response.status_code == 200
    assert "must list the principles" in response.content.decode()
    assert ConstitutionVersion.objects.count() == 2


def test_organisation_profiles_default_to_standard() -> None:
    organisation_id = UserFactory().id  # any id: the constitution stores profiles by organisation id
    assert public.organisation_profile(organisation_id=organisation_id) is Profile.STANDARD
    assert public.organisation_profile(organisation_id=None) is Profile.STANDARD
    services.organisation_profile_set(organisation_id=organisation_id, profile="strict", by_user_id=organisation_id)
    assert public.organisation_profile(organisation_id=organisation_id) is Profile.STRICT
    services.organisation_profile_set(organisation_id=organisation_id, profile="LENIENT", by_user_id=organisation_id)
    assert OrganisationPolicy.objects.get().profile == "LENIENT"
