"""Organisation pages: list and create, detail with members, invitations and their acceptance."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from azora.accounts.models import Invitation, Membership, Organisation, User
from azora.accounts.tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from azora.portals.shell.tests.helpers import HTMX, is_fragment, login_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(person: User) -> Organisation:
    return OrganisationFactory(owner=person, name="Khanya Academy", slug="khanya")


def _roles(organisation: Organisation) -> list[tuple[str, str]]:
    return sorted(Membership.objects.filter(organisation=organisation).values_list("user__email", "role"))


# --- List and create --------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client: Client, organisation: Organisation) -> None:
    token_path = "/organisations/invitations/some-token/"
    for path in ("/organisations/", f"/organisations/{organisation.id}/", token_path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == login_url(path)
    membership = Membership.objects.get(organisation=organisation)
    for path in (
        "/organisations/",
        f"/organisations/{organisation.id}/invitations/",
        f"/organisations/{organisation.id}/members/{membership.id}/role/",
        f"/organisations/{organisation.id}/members/{membership.id}/remove/",
        token_path,
    ):
        assert client.post(path, {"name": "X", "email": "a@example.test", "role": "member"})["Location"] == (
            login_url(path)
        )
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 0
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_list_shows_the_persons_organisations_only(
    signed_in: Client, person: User, organisation: Organisation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    OrganisationFactory(owner=UserFactory(), name="Someone else's")
    for number in range(3):
        MembershipFactory(organisation=OrganisationFactory(name=f"Extra {number}"), user=person, role="member")

    with django_assert_max_num_queries(8):  # the same few queries however many organisations there are
        response = signed_in.get("/organisations/")

    assert response.status_code == 200
    names = [summary.name for summary in response.context["organisations"]]
    assert sorted(names) == ["Extra 0", "Extra 1", "Extra 2", "Khanya Academy"]
    assert "Someone else" not in response.content.decode()


def test_post_creates_an_organisation_with_its_creator_as_owner(signed_in: Client, person: User) -> None:
    response = signed_in.post("/organisations/", {"name": "Ubuntu Co-op", "slug": ""})

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.id}/"
    assert (organisation.name, organisation.slug) == ("Ubuntu Co-op", "ubuntu-co-op")
    assert _roles(organisation) == [("thandi@example.test", "owner")]
    assert "Ubuntu Co-op was created." in signed_in.get(response["Location"]).content.decode()


def test_post_without_a_name_shows_the_error_and_creates_nothing(signed_in: Client) -> None:
    response = signed_in.post("/organisations/", {"name": "", "slug": "Not a slug!"})

    assert response.status_code == 422
    assert sorted(response.context["form"].errors) == ["name", "slug"]
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>' in response.content.decode()
    assert Organisation.objects.count() == 0


def test_an_empty_post_shows_the_required_fields(signed_in: Client) -> None:
    response = signed_in.post("/organisations/", {})

    assert response.status_code == 422
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert Organisation.objects.count() == 0


def test_post_with_a_taken_slug_shows_the_domain_error_and_creates_nothing(
    signed_in: Client, organisation: Organisation
) -> None:
    response = signed_in.post("/organisations/", {"name": "Another", "slug": "khanya"})

    assert response.status_code == 422
    assert response.context["form"].errors == {"slug": ["An organisation with that slug already exists."]}
    assert Organisation.objects.count() == 1


def test_htmx_post_answers_with_the_panel_including_the_new_organisation(signed_in: Client) -> None:
    response = signed_in.post("/organisations/", {"name": "Ubuntu Co-op"}, headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.strip().startswith('<div id="organisations-panel">')
    assert "Ubuntu Co-op was created." in html
    assert [summary.name for summary in response.context["organisations"]] == ["Ubuntu Co-op"]
    assert response.context["form"].data == {}  # a fresh form for the next one


def test_htmx_post_with_bad_input_answers_with_the_panel_and_errors(signed_in: Client) -> None:
    response = signed_in.post("/organisations/", {"name": ""}, headers=HTMX)

    assert response.status_code == 422
    assert is_fragment(response.content)
    assert Organisation.objects.count() == 0


# --- Detail and members -----------------------------------------------------------------------


def test_detail_lists_members_with_role_controls_for_an_owner(signed_in: Client, organisation: Organisation) -> None:
    MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"), role="member")

    response = signed_in.get(f"/organisations/{organisation.id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Khanya Academy</h1>" in html
    assert [member.email for member in response.context["members"]] == ["thandi@example.test", "sipho@example.test"]
    assert html.count('<select id="role-') == 2
    assert 'id="invite-panel"' in html


def test_detail_for_a_plain_member_has_no_management_controls(client: Client, organisation: Organisation) -> None:
    member = UserFactory()
    MembershipFactory(organisation=organisation, user=member, role="member")
    client.force_login(member)

    html = client.get(f"/organisations/{organisation.id}/").content.decode()

    assert '<select id="role-' not in html
    assert 'id="invite-panel"' not in html


def test_detail_of_another_organisation_is_not_found(signed_in: Client) -> None:
    elsewhere = OrganisationFactory(owner=UserFactory())

    assert signed_in.get(f"/organisations/{elsewhere.id}/").status_code == 404


def test_htmx_detail_answers_with_the_members_fragment(signed_in: Client, organisation: Organisation) -> None:
    response = signed_in.get(f"/organisations/{organisation.id}/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert response.content.decode().strip().startswith('<section id="members-panel"')


def test_changing_a_members_role(signed_in: Client, organisation: Organisation) -> None:
    membership = MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"))

    response = signed_in.post(f"/organisations/{organisation.id}/members/{membership.id}/role/", {"role": "instructor"})

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.id}/"
    assert _roles(organisation) == [("sipho@example.test", "instructor"), ("thandi@example.test", "owner")]


def test_an_unknown_role_changes_nothing(signed_in: Client, organisation: Organisation) -> None:
    membership = MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"))

    response = signed_in.post(f"/organisations/{organisation.id}/members/{membership.id}/role/", {"role": "emperor"})

    assert response.status_code == 302
    assert "Choose one of the roles." in signed_in.get(response["Location"]).content.decode()
    assert _roles(organisation) == [("sipho@example.test", "member"), ("thandi@example.test", "owner")]


def test_the_last_owner_cannot_step_down(signed_in: Client, organisation: Organisation, person: User) -> None:
    own = Membership.objects.get(user=person)

    response = signed_in.post(
        f"/organisations/{organisation.id}/members/{own.id}/role/", {"role": "member"}, headers=HTMX
    )

    assert response.status_code == 422
    assert is_fragment(response.content)
    assert "An organisation must keep at least one owner." in response.content.decode()
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_htmx_role_change_answers_with_the_members_fragment(signed_in: Client, organisation: Organisation) -> None:
    membership = MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"))

    response = signed_in.post(
        f"/organisations/{organisation.id}/members/{membership.id}/role/", {"role": "admin"}, headers=HTMX
    )

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert "The role was changed." in response.content.decode()
    assert _roles(organisation) == [("sipho@example.test", "admin"), ("thandi@example.test", "owner")]


def test_removing_a_member(signed_in: Client, organisation: Organisation) -> None:
    membership = MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"))

    response = signed_in.post(f"/organisations/{organisation.id}/members/{membership.id}/remove/")

    assert response.status_code == 302
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_htmx_removal_answers_with_the_members_fragment(signed_in: Client, organisation: Organisation) -> None:
    membership = MembershipFactory(organisation=organisation, user=UserFactory(email="sipho@example.test"))

    response = signed_in.post(f"/organisations/{organisation.id}/members/{membership.id}/remove/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert "The member was removed." in response.content.decode()
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_a_plain_member_cannot_remove_others(client: Client, organisation: Organisation) -> None:
    member = UserFactory(email="sipho@example.test")
    MembershipFactory(organisation=organisation, user=member, role="member")
    owner = Membership.objects.get(organisation=organisation, role="owner")
    client.force_login(member)

    response = client.post(f"/organisations/{organisation.id}/members/{owner.id}/remove/", headers=HTMX)

    assert response.status_code == 422
    assert _roles(organisation) == [("sipho@example.test", "member"), ("thandi@example.test", "owner")]


def test_a_member_may_leave(client: Client, organisation: Organisation) -> None:
    member = UserFactory(email="sipho@example.test")
    membership = MembershipFactory(organisation=organisation, user=member, role="member")
    client.force_login(member)

    response = client.post(f"/organisations/{organisation.id}/members/{membership.id}/remove/", {"leaving": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_members_of_another_organisation_are_not_found(signed_in: Client) -> None:
    elsewhere = OrganisationFactory(owner=UserFactory())
    membership = Membership.objects.get(organisation=elsewhere)

    response = signed_in.post(f"/organisations/{elsewhere.id}/members/{membership.id}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(id=membership.id).exists()


# --- Invitations ------------------------------------------------------------------------------


def test_inviting_someone_sends_them_a_link(
    signed_in: Client, organisation: Organisation, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            f"/organisations/{organisation.id}/invitations/", {"email": "lerato@example.test", "role": "instructor"}
        )

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.id}/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organisation_id) == (
        "lerato@example.test",
        "instructor",
        organisation.id,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lerato@example.test"]
    assert re.search(r"/organisations/invitations/[\w-]+/", str(mail.outbox[0].body))
    assert "An invitation was sent to lerato@example.test." in signed_in.get(response["Location"]).content.decode()


def test_inviting_with_a_bad_address_shows_the_error_and_sends_nothing(
    signed_in: Client, organisation: Organisation, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            f"/organisations/{organisation.id}/invitations/", {"email": "not-an-address", "role": "member"}
        )

    assert response.status_code == 422
    assert response.context["invite_form"].errors == {"email": ["Enter a valid email address."]}
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_an_existing_member_shows_the_domain_error(
    signed_in: Client, organisation: Organisation, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            f"/organisations/{organisation.id}/invitations/", {"email": "thandi@example.test", "role": "member"}
        )

    assert response.status_code == 422
    assert response.context["invite_form"].non_field_errors() == [
        "That person is already a member of the organisation."
    ]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_htmx_invitation_answers_with_the_invite_fragment(signed_in: Client, organisation: Organisation) -> None:
    response = signed_in.post(
        f"/organisations/{organisation.id}/invitations/",
        {"email": "lerato@example.test", "role": "member"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.strip().startswith('<section id="invite-panel"')
    assert "An invitation was sent to lerato@example.test." in html
    assert Invitation.objects.count() == 1


def test_inviting_into_another_organisation_is_not_found(signed_in: Client) -> None:
    elsewhere = OrganisationFactory(owner=UserFactory())

    response = signed_in.post(
        f"/organisations/{elsewhere.id}/invitations/", {"email": "lerato@example.test", "role": "member"}
    )

    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_the_invitation_page_asks_before_joining(client: Client, organisation: Organisation) -> None:
    invitee = UserFactory(email="lerato@example.test")
    invitation = InvitationFactory(organisation=organisation, email="lerato@example.test")
    client.force_login(invitee)

    response = client.get(f"/organisations/invitations/{invitation.token}/")

    assert response.status_code == 200
    assert "Accept invitation" in response.content.decode()
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_accepting_an_invitation_makes_a_member(client: Client, organisation: Organisation) -> None:
    invitee = UserFactory(email="lerato@example.test")
    invitation = InvitationFactory(organisation=organisation, email="lerato@example.test", role="instructor")
    client.force_login(invitee)

    response = client.post(f"/organisations/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.id}/"
    assert _roles(organisation) == [("lerato@example.test", "instructor"), ("thandi@example.test", "owner")]


def test_accepting_an_unknown_invitation_shows_why_and_changes_nothing(
    signed_in: Client, organisation: Organisation
) -> None:
    response = signed_in.post("/organisations/invitations/no-such-token/")

    assert response.status_code == 404
    assert "No invitation matches that token." in response.content.decode()
    assert _roles(organisation) == [("thandi@example.test", "owner")]


def test_htmx_acceptance_redirects_the_browser_to_the_organisation(client: Client, organisation: Organisation) -> None:
    invitee = UserFactory(email="lerato@example.test")
    invitation = InvitationFactory(organisation=organisation, email="lerato@example.test")
    client.force_login(invitee)

    response = client.post(f"/organisations/invitations/{invitation.token}/", headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/organisations/{organisation.id}/"
    assert _roles(organisation) == [("lerato@example.test", "member"), ("thandi@example.test", "owner")]


def test_htmx_acceptance_of_a_bad_token_answers_with_the_fragment(signed_in: Client) -> None:
    response = signed_in.post("/organisations/invitations/no-such-token/", headers=HTMX)

    assert response.status_code == 422  # so that HTMX swaps the explanation in
    assert is_fragment(response.content)
    assert Membership.objects.count() == 0
