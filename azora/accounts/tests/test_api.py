"""The Auth Service's endpoints through the real /api/v1 edge: auth, scopes, tenancy, pagination and bad input."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from azora.accounts.models import ApiKey, Invitation, Membership, Organisation, PlatformRoleGrant, User
from azora.accounts.tests.conftest import jwt_client, key_client, session_client
from azora.accounts.tests.factories import (
    ApiKeyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db
JSON = "application/json"


def send(client: Client, method: str, path: str, body: Any = None, *, raw: str | None = None) -> Any:
    """One request to /api/v1; `raw` sends a body exactly as given (for malformed JSON)."""
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    call = getattr(client, method.lower())
    if data is None:
        # No body at all (the test client would otherwise send an empty multipart form).
        return (
            call(f"/api/v1{path}", content_type=JSON) if method in {"POST", "PATCH", "PUT"} else call(f"/api/v1{path}")
        )
    return call(f"/api/v1{path}", data=data, content_type=JSON)


def snapshot() -> dict[str, Any]:
    """Everything the accounts endpoints could write, to prove that a refused request changed nothing."""
    return {
        "users": list(
            User.objects.order_by("id").values_list(
                "id", "display_name", "preferred_language", "country", "time_zone", "date_of_birth", "updated_at"
            )
        ),
        "roles": list(PlatformRoleGrant.objects.order_by("id").values_list("user_id", "role")),
        "organisations": list(Organisation.objects.order_by("id").values_list("id", "name", "slug")),
        "memberships": list(Membership.objects.order_by("id").values_list("id", "user_id", "role")),
        "invitations": list(Invitation.objects.order_by("id").values_list("id", "accepted_at", "revoked_at")),
        "api_keys": list(ApiKey.objects.order_by("id").values_list("id", "revoked_at", "last_used_at")),
        "events": OutboxEvent.objects.count(),
    }


@contextmanager
def nothing_changes() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


# Bad bodies every JSON write endpoint must refuse with a 4xx and no change: (raw body, status, code).
MALFORMED = [
    ("{not json", 400, "malformed_json"),
    ("[1, 2]", 422, "validation_failed"),
    ('"a string"', 422, "validation_failed"),
]


# --- /me -------------------------------------------------------------------------------------------


def test_get_me_with_a_session(owner: User) -> None:
    response = send(session_client(owner), "GET", "/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(owner.id),
        "email": "owner@example.test",
        "display_name": "Olu Owner",
        "preferred_language": "en",
        "country": "",
        "time_zone": "UTC",
        "date_joined": response.json()["date_joined"],
        "platform_roles": ["learner"],
        "date_of_birth": None,
    }


def test_get_me_with_a_jwt_and_with_an_api_key(owner: User) -> None:
    assert send(jwt_client(owner), "GET", "/me").json()["id"] == str(owner.id)
    api_key = ApiKeyFactory(user=owner, scopes=["profile:read"])
    assert send(key_client(api_key.key), "GET", "/me").json()["id"] == str(owner.id)


def test_get_me_with_a_jwt_costs_one_query(owner: User, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    client = jwt_client(owner)

    with django_assert_num_queries(1):
        response = send(client, "GET", "/me")

    assert response.status_code == 200
    assert response.json()["platform_roles"] == ["learner"]


def test_get_me_without_credentials_is_401(db: None) -> None:
    assert_problem(send(Client(), "GET", "/me"), 401, "not_authenticated")


def test_get_me_with_a_key_lacking_the_scope_is_403(owner: User) -> None:
    api_key = ApiKeyFactory(user=owner, scopes=["organisations:read"])

    body = assert_problem(send(key_client(api_key.key), "GET", "/me"), 403, "insufficient_scope")
    assert body["required_scope"] == "profile:read"


def test_get_me_with_an_organisation_key_is_403(organisation: Organisation) -> None:
    api_key = ApiKeyFactory(user=None, organisation=organisation)

    assert_problem(send(key_client(api_key.key), "GET", "/me"), 403, "user_required")


def test_patch_me_changes_the_profile(owner: User) -> None:
    response = send(
        session_client(owner),
        "PATCH",
        "/me",
        {"display_name": "Olu", "preferred_language": "sw", "country": "ke", "time_zone": "Africa/Nairobi"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["preferred_language"], body["country"], body["time_zone"]) == (
        "Olu",
        "sw",
        "KE",
        "Africa/Nairobi",
    )
    owner.refresh_from_db()
    assert (owner.display_name, owner.preferred_language, owner.country, owner.time_zone) == (
        "Olu",
        "sw",
        "KE",
        "Africa/Nairobi",
    )


def test_patch_me_sets_and_clears_the_date_of_birth_which_only_the_person_sees(
    owner: User, organisation: Organisation
) -> None:
    client = session_client(owner)

    response = send(client, "PATCH", "/me", {"date_of_birth": "2011-02-28"})

    assert (response.status_code, response.json()["date_of_birth"]) == (200, "2011-02-28")
    assert send(client, "GET", "/me").json()["date_of_birth"] == "2011-02-28"
    owner.refresh_from_db()
    assert owner.date_of_birth == date(2011, 2, 28)
    members = send(client, "GET", f"/organisations/{organisation.id}/members").json()
    assert all("date_of_birth" not in member for member in members["items"])
    assert "2011-02-28" not in json.dumps(members)

    assert send(client, "PATCH", "/me", {"date_of_birth": None}).json()["date_of_birth"] is None
    owner.refresh_from_db()
    assert owner.date_of_birth is None
    send(client, "PATCH", "/me", {"date_of_birth": "2011-02-28"})
    assert send(client, "PATCH", "/me", {"date_of_birth": ""}).json()["date_of_birth"] is None


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        *MALFORMED,
        ('{"display_name": 7}', 422, "validation_failed"),
        ('{"country": ["ZA"]}', 422, "validation_failed"),
        ('{"email": "new@example.test"}', 422, "validation_failed"),
        ('{"display_name": "New", "is_staff": true}', 422, "validation_failed"),
        ('{"country": null}', 422, "profile_invalid"),
        ('{"country": "XX"}', 422, "profile_invalid"),
        ('{"preferred_language": "de"}', 422, "profile_invalid"),
        ('{"time_zone": "Nowhere/Land"}', 422, "profile_invalid"),
        ('{"display_name": "nul\\u0000"}', 400, "nul_character"),
        ('{"display_name": "' + "x" * 121 + '"}', 422, "validation_failed"),
        ('{"date_of_birth": "2999-01-01"}', 422, "profile_invalid"),
        ('{"date_of_birth": "1850-06-01"}', 422, "profile_invalid"),
        ('{"date_of_birth": "2010-02-30"}', 422, "profile_invalid"),
        ('{"date_of_birth": "yesterday"}', 422, "profile_invalid"),
        ('{"date_of_birth": 20100101}', 422, "validation_failed"),
        ('{"date_of_birth": "2010-01-01T00:00:00Z"}', 422, "validation_failed"),
        ('{"display_name": "Olu", "date_of_birth": "2999-01-01"}', 422, "profile_invalid"),
    ],
)
def test_patch_me_refuses_bad_input_and_changes_nothing(owner: User, raw: str, status: int, code: str) -> None:
    with nothing_changes():
        assert_problem(send(session_client(owner), "PATCH", "/me", raw=raw), status, code)


def test_patch_me_with_a_read_only_key_is_403_and_changes_nothing(owner: User) -> None:
    api_key = ApiKeyFactory(user=owner, scopes=["profile:read"])
    client = key_client(api_key.key)
    send(client, "GET", "/me")  # records last_used_at now, so the refused call below writes nothing

    with nothing_changes():
        assert_problem(send(client, "PATCH", "/me", {"display_name": "x"}), 403, "insufficient_scope")


# --- /organisations ------------------------------------------------------------------------------


def test_post_organisation_creates_it_with_the_caller_as_owner(owner: User) -> None:
    response = send(session_client(owner), "POST", "/organisations", {"name": "Karoo Coders"})

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["slug"], body["role"]) == ("Karoo Coders", "karoo-coders", "owner")
    assert Membership.objects.get(organisation_id=body["id"]).user_id == owner.id
    assert OutboxEvent.objects.filter(event_type="accounts.organisation_created").count() == 1


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        *MALFORMED,
        ("{}", 422, "validation_failed"),
        ('{"name": 5}', 422, "validation_failed"),
        ('{"name": ""}', 422, "validation_failed"),
        ('{"name": "Fine", "owner": "someone"}', 422, "validation_failed"),
        ('{"name": "Fine", "slug": "Not A Slug"}', 422, "organisation_invalid"),
        ('{"name": "nul\\u0000byte"}', 400, "nul_character"),
        ('{"name": "Fine", "slug": "ubuntu-academy"}', 409, "organisation_slug_taken"),
    ],
)
def test_post_organisation_refuses_bad_input_and_creates_nothing(
    owner: User, organisation: Organisation, raw: str, status: int, code: str
) -> None:
    with nothing_changes():
        assert_problem(send(session_client(owner), "POST", "/organisations", raw=raw), status, code)


def test_post_organisation_with_an_organisation_key_is_403(organisation: Organisation) -> None:
    api_key = ApiKeyFactory(user=None, organisation=organisation)
    client = key_client(api_key.key)
    send(client, "GET", "/organisations")

    with nothing_changes():
        assert_problem(send(client, "POST", "/organisations", {"name": "Other"}), 403, "user_required")


def test_get_organisations_pages_through_the_callers_organisations(owner: User) -> None:
    organisations = [OrganisationFactory(owner=owner) for _index in range(3)]
    OrganisationFactory()  # not the caller's
    client = session_client(owner)

    first = send(client, "GET", "/organisations?limit=2").json()
    second = send(client, "GET", f"/organisations?limit=2&cursor={first['next_cursor']}").json()

    listed = [item["id"] for item in first["items"] + second["items"]]
    assert listed == [str(o.id) for o in organisations]
    assert {item["role"] for item in first["items"] + second["items"]} == {"owner"}
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "code"),
    [("limit=0", "validation_failed"), ("limit=abc", "validation_failed"), ("cursor=%25%25", "invalid_cursor")],
)
def test_get_organisations_refuses_a_bad_limit_or_cursor(owner: User, query: str, code: str) -> None:
    assert_problem(send(session_client(owner), "GET", f"/organisations?{query}"), 422, code)


def test_get_organisations_costs_the_same_queries_for_few_and_many(
    owner: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(owner)
    OrganisationFactory(owner=owner)
    with django_assert_max_num_queries(2):
        assert len(send(client, "GET", "/organisations").json()["items"]) == 1
    for _index in range(15):
        OrganisationFactory(owner=owner)
    with django_assert_max_num_queries(2):
        assert len(send(client, "GET", "/organisations").json()["items"]) == 16


def test_get_organisations_with_an_organisation_key_lists_its_own(organisation: Organisation) -> None:
    OrganisationFactory()
    api_key = ApiKeyFactory(user=None, organisation=organisation, scopes=["organisations:read"])

    body = send(key_client(api_key.key), "GET", "/organisations").json()

    assert body == {
        "items": [
            {
                "id": str(organisation.id),
                "name": organisation.name,
                "slug": organisation.slug,
                "role": None,
                "created_at": body["items"][0]["created_at"],
            }
        ],
        "next_cursor": None,
    }


def test_get_organisation_looks_the_same_for_another_tenant_and_for_nothing(
    member: User, outsider: User, organisation: Organisation
) -> None:
    assert send(session_client(member), "GET", f"/organisations/{organisation.id}").json()["role"] == "member"

    foreign = assert_problem(
        send(session_client(outsider), "GET", f"/organisations/{organisation.id}"), 404, "not_found"
    )
    missing = assert_problem(send(session_client(outsider), "GET", f"/organisations/{uuid.uuid4()}"), 404, "not_found")
    assert {k: v for k, v in foreign.items() if k not in {"instance", "request_id"}} == {
        k: v for k, v in missing.items() if k not in {"instance", "request_id"}
    }
    assert_problem(send(session_client(member), "GET", "/organisations/not-a-uuid"), 422, "validation_failed")


# --- invitations --------------------------------------------------------------------------------


def test_post_invitation_returns_the_token_once_and_emails_it(
    owner: User,
    organisation: Organisation,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    mailoutbox: list[EmailMessage],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            session_client(owner),
            "POST",
            f"/organisations/{organisation.id}/invitations",
            {"email": "new@example.test", "role": "instructor"},
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["organisation_id"]) == (
        "new@example.test",
        "instructor",
        str(organisation.id),
    )
    assert len(mailoutbox) == 1
    assert f"/organisations/invitations/{body['token']}/" in mailoutbox[0].body
    assert Invitation.objects.get().token_hash != body["token"]


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        *MALFORMED,
        ("{}", 422, "validation_failed"),
        ('{"email": 12}', 422, "validation_failed"),
        ('{"email": "a@example.test", "role": "emperor"}', 422, "validation_failed"),
        ('{"email": "a@example.test", "expires_at": "2030-01-01T00:00:00Z"}', 422, "validation_failed"),
        ('{"email": "not an email"}', 422, "invitation_invalid"),
        ('{"email": "nul\\u0000@example.test"}', 400, "nul_character"),
        ('{"email": "member@example.test"}', 409, "already_member"),
    ],
)
def test_post_invitation_refuses_bad_input_and_creates_nothing(
    owner: User,
    member: User,
    organisation: Organisation,
    mailoutbox: list[EmailMessage],
    raw: str,
    status: int,
    code: str,
) -> None:
    with nothing_changes():
        assert_problem(
            send(session_client(owner), "POST", f"/organisations/{organisation.id}/invitations", raw=raw), status, code
        )
    assert mailoutbox == []


def test_post_invitation_by_a_member_is_403_and_by_an_outsider_404(
    member: User, outsider: User, organisation: Organisation
) -> None:
    path = f"/organisations/{organisation.id}/invitations"
    with nothing_changes():
        assert_problem(
            send(session_client(member), "POST", path, {"email": "x@example.test"}), 403, "organisation_role_required"
        )
        assert_problem(send(session_client(outsider), "POST", path, {"email": "x@example.test"}), 404, "not_found")


def test_accept_invitation(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="invitee@example.test", role="billing")
    user = UserFactory(email="invitee@example.test")

    response = send(session_client(user), "POST", f"/invitations/{invitation.token}/accept")

    assert response.status_code == 201
    assert (response.json()["user_id"], response.json()["role"]) == (str(user.id), "billing")
    assert Membership.objects.get(organisation=organisation, user=user).role == "billing"


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, 410, "invitation_expired"),
        ({"revoked_at": timezone.now()}, 410, "invitation_revoked"),
        ({"accepted_at": timezone.now()}, 409, "invitation_already_used"),
        ({"email": "someone-else@example.test"}, 403, "invitation_email_mismatch"),
    ],
)
def test_accept_invitation_refusals_change_nothing(
    organisation: Organisation, state: dict[str, Any], status: int, code: str
) -> None:
    invitation = InvitationFactory(**{"organisation": organisation, "email": "invitee@example.test", **state})
    client = session_client(UserFactory(email="invitee@example.test"))

    with nothing_changes():
        assert_problem(send(client, "POST", f"/invitations/{invitation.token}/accept"), status, code)


def test_accept_invitation_with_an_unknown_token_or_a_body_changes_nothing(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="invitee@example.test")
    client = session_client(UserFactory(email="invitee@example.test"))

    path = f"/invitations/{invitation.token}/accept"

    with nothing_changes():
        assert_problem(send(client, "POST", "/invitations/unknown-token/accept"), 404, "invitation_not_found")
        # The endpoint takes no body: one sent anyway is refused, not silently ignored.
        assert_problem(send(client, "POST", path, raw="{broken"), 400, "malformed_json")
        assert_problem(send(client, "POST", path, {"role": "owner"}), 422, "validation_failed")
    assert send(client, "POST", path, {}).status_code == 201


# --- members -------------------------------------------------------------------------------------


def test_get_members_pages_and_costs_the_same_for_few_and_many(
    owner: User, organisation: Organisation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(owner)
    path = f"/organisations/{organisation.id}/members"
    with django_assert_max_num_queries(3):
        assert [m["email"] for m in send(client, "GET", path).json()["items"]] == [owner.email]
    for _index in range(15):
        MembershipFactory(organisation=organisation)
    with django_assert_max_num_queries(3):
        page = send(client, "GET", f"{path}?limit=10").json()
    assert len(page["items"]) == 10
    rest = send(client, "GET", f"{path}?limit=10&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 6
    assert rest["next_cursor"] is None


def test_get_members_of_another_tenant_is_404(outsider: User, organisation: Organisation) -> None:
    assert_problem(send(session_client(outsider), "GET", f"/organisations/{organisation.id}/members"), 404, "not_found")


def test_patch_member_changes_the_role(owner: User, member: User, organisation: Organisation) -> None:
    membership = Membership.objects.get(user=member)

    response = send(
        session_client(owner), "PATCH", f"/organisations/{organisation.id}/members/{membership.id}", {"role": "admin"}
    )

    assert (response.status_code, response.json()["role"]) == (200, "admin")
    membership.refresh_from_db()
    assert membership.role == "admin"


@pytest.mark.parametrize(
    ("who", "target", "raw", "status", "code"),
    [
        *[("owner", "member", raw, status, code) for raw, status, code in MALFORMED],
        ("owner", "member", "{}", 422, "validation_failed"),
        ("owner", "member", '{"role": "emperor"}', 422, "validation_failed"),
        ("owner", "member", '{"role": 1}', 422, "validation_failed"),
        ("owner", "member", '{"role": "admin", "user_id": "x"}', 422, "validation_failed"),
        ("owner", "owner", '{"role": "admin"}', 409, "last_owner"),
        ("admin", "owner", '{"role": "member"}', 403, "organisation_role_required"),
        ("admin", "member", '{"role": "owner"}', 403, "organisation_role_required"),
        ("member", "member", '{"role": "admin"}', 403, "organisation_role_required"),
        ("outsider", "member", '{"role": "admin"}', 404, "not_found"),
    ],
)
def test_patch_member_refusals_change_nothing(
    owner: User,
    admin_user: User,
    member: User,
    outsider: User,
    organisation: Organisation,
    who: str,
    target: str,
    raw: str,
    status: int,
    code: str,
) -> None:
    people = {"owner": owner, "admin": admin_user, "member": member, "outsider": outsider}
    membership = Membership.objects.get(user=people[target], organisation=organisation)
    path = f"/organisations/{organisation.id}/members/{membership.id}"

    with nothing_changes():
        assert_problem(send(session_client(people[who]), "PATCH", path, raw=raw), status, code)


def test_delete_member(owner: User, member: User, organisation: Organisation) -> None:
    membership = Membership.objects.get(user=member)

    response = send(session_client(owner), "DELETE", f"/organisations/{organisation.id}/members/{membership.id}")

    assert response.status_code == 204
    assert not Membership.objects.filter(id=membership.id).exists()


def test_delete_member_refusals_change_nothing(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    owner_membership = Membership.objects.get(user=owner)
    member_membership = Membership.objects.get(user=member)
    base = f"/organisations/{organisation.id}/members"

    with nothing_changes():
        assert_problem(send(session_client(owner), "DELETE", f"{base}/{owner_membership.id}"), 409, "last_owner")
        assert_problem(
            send(session_client(member), "DELETE", f"{base}/{owner_membership.id}"), 403, "organisation_role_required"
        )
        assert_problem(send(session_client(outsider), "DELETE", f"{base}/{member_membership.id}"), 404, "not_found")
        assert_problem(send(session_client(owner), "DELETE", f"{base}/{uuid.uuid4()}"), 404, "not_found")
        assert_problem(send(session_client(owner), "DELETE", f"{base}/nope"), 422, "validation_failed")


# --- API keys --------------------------------------------------------------------------------------


def test_post_api_key_shows_the_key_once_and_it_authenticates(owner: User) -> None:
    client = session_client(owner)

    response = send(client, "POST", "/api-keys", {"name": "Laptop", "scopes": ["profile:read"]})

    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith(f"azk_{created['prefix']}_")
    assert created["scopes"] == ["profile:read"]
    listed = send(client, "GET", "/api-keys").json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert "key" not in listed["items"][0]
    assert send(key_client(created["key"]), "GET", "/me").json()["id"] == str(owner.id)
    assert_problem(send(key_client(created["key"]), "GET", "/organisations"), 403, "insufficient_scope")


def test_post_api_key_with_the_ai_chat_scope(owner: User) -> None:
    response = send(session_client(owner), "POST", "/api-keys", {"name": "Tutor bot", "scopes": ["ai:chat"]})

    assert response.status_code == 201
    assert response.json()["scopes"] == ["ai:chat"]
    assert ApiKey.objects.get().scopes == ["ai:chat"]


def test_post_organisation_api_key_by_an_owner(owner: User, organisation: Organisation) -> None:
    response = send(
        session_client(owner),
        "POST",
        "/api-keys",
        {"name": "CI", "scopes": ["organisations:read"], "organisation_id": str(organisation.id)},
    )

    assert response.status_code == 201
    principal_view = send(key_client(response.json()["key"]), "GET", f"/organisations/{organisation.id}/members")
    assert principal_view.status_code == 200
    listed = send(session_client(owner), "GET", f"/api-keys?organisation_id={organisation.id}").json()
    assert [item["id"] for item in listed["items"]] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        *MALFORMED,
        ("{}", 422, "validation_failed"),
        ('{"name": "k"}', 422, "validation_failed"),
        ('{"name": "k", "scopes": []}', 422, "validation_failed"),
        ('{"name": "k", "scopes": ["root"]}', 422, "validation_failed"),
        ('{"name": "k", "scopes": "profile:read"}', 422, "validation_failed"),
        ('{"name": 3, "scopes": ["profile:read"]}', 422, "validation_failed"),
        ('{"name": "nul\\u0000", "scopes": ["profile:read"]}', 400, "nul_character"),
        ('{"name": "k", "scopes": ["profile:read"], "secret": "mine"}', 422, "validation_failed"),
        ('{"name": "k", "scopes": ["profile:read"], "expires_at": "2030-01-01T00:00:00"}', 422, "validation_failed"),
        ('{"name": "k", "scopes": ["profile:read"], "expires_at": "2001-01-01T00:00:00Z"}', 422, "api_key_invalid"),
        ('{"name": "k", "scopes": ["profile:read"], "expires_at": "9999-12-31T23:59:59-10:00"}', 422,
         "api_key_invalid"),
        ('{"name": "k", "scopes": ["profile:read"], "organisation_id": "nope"}', 422, "validation_failed"),
        ('{"name": "k", "scopes": ["profile:read"], "organisation_id": "' + str(uuid.UUID(int=1)) + '"}', 404,
         "not_found"),
    ],
)  # fmt: skip
def test_post_api_key_refuses_bad_input_and_creates_nothing(owner: User, raw: str, status: int, code: str) -> None:
    with nothing_changes():
        assert_problem(send(session_client(owner), "POST", "/api-keys", raw=raw), status, code)


def test_post_api_key_for_an_organisation_by_a_member_is_403(member: User, organisation: Organisation) -> None:
    body = {"name": "k", "scopes": ["profile:read"], "organisation_id": str(organisation.id)}
    with nothing_changes():
        assert_problem(send(session_client(member), "POST", "/api-keys", body), 403, "organisation_role_required")


def test_get_api_keys_costs_the_same_queries_for_few_and_many(
    owner: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(owner)
    ApiKeyFactory(user=owner)
    with django_assert_max_num_queries(2):
        assert len(send(client, "GET", "/api-keys").json()["items"]) == 1
    for _index in range(15):
        ApiKeyFactory(user=owner)
    with django_assert_max_num_queries(2):
        assert len(send(client, "GET", "/api-keys").json()["items"]) == 16


def test_delete_api_key_revokes_it(owner: User) -> None:
    api_key = ApiKeyFactory(user=owner)

    response = send(session_client(owner), "DELETE", f"/api-keys/{api_key.id}")

    assert response.status_code == 204
    assert_problem(send(key_client(api_key.key), "GET", "/me"), 401, "not_authenticated")
    assert send(session_client(owner), "GET", "/api-keys").json()["items"] == []


def test_delete_api_key_refusals_change_nothing(owner: User, outsider: User) -> None:
    api_key = ApiKeyFactory(user=owner)

    with nothing_changes():
        assert_problem(send(session_client(outsider), "DELETE", f"/api-keys/{api_key.id}"), 404, "not_found")
        assert_problem(send(session_client(owner), "DELETE", f"/api-keys/{uuid.uuid4()}"), 404, "not_found")
        assert_problem(send(session_client(owner), "DELETE", "/api-keys/123"), 422, "validation_failed")


def test_an_organisation_key_manages_its_own_organisation_as_an_admin(
    owner: User, member: User, organisation: Organisation
) -> None:
    api_key = ApiKeyFactory(user=None, organisation=organisation, scopes=["organisations:read", "organisations:write"])
    client = key_client(api_key.key)
    path = f"/organisations/{organisation.id}"
    owner_membership = Membership.objects.get(user=owner)
    member_membership = Membership.objects.get(user=member)

    invited = send(client, "POST", f"{path}/invitations", {"email": "new@example.test", "role": "admin"})
    assert invited.status_code == 201
    assert Invitation.objects.get().invited_by_id is None
    with nothing_changes():
        assert_problem(
            send(client, "POST", f"{path}/invitations", {"email": "boss@example.test", "role": "owner"}),
            403,
            "organisation_role_required",
        )
        assert_problem(
            send(client, "PATCH", f"{path}/members/{owner_membership.id}", {"role": "member"}),
            403,
            "organisation_role_required",
        )
    assert send(client, "PATCH", f"{path}/members/{member_membership.id}", {"role": "billing"}).status_code == 200
    other = OrganisationFactory()
    assert_problem(send(client, "GET", f"/organisations/{other.id}/members"), 404, "not_found")
