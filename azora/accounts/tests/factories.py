"""factory_boy factories for the Auth Service's tables; other apps' tests use them too."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts import services
from azora.accounts.models import ApiKey, Invitation, Membership, Organisation, OrganisationRole, User
from azora.accounts.public import API_KEY_SCOPES

DEFAULT_PASSWORD = "a-long-test-password-42"


class UserFactory(DjangoModelFactory[User]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A user made as the platform makes one: hashed password, the `learner` role, a verified email.

    `UserFactory(email_verified=False)` leaves the address unverified; `password=None` makes it unusable.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password", None)
        user = model_class.objects.create_user(password=password, **kwargs)
        services.user_onboard(user_id=user.id)
        return user

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def email_verified(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create:
            verified = True if extracted is None else extracted
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=verified)


class OrganisationFactory(DjangoModelFactory[Organisation]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """An organisation; `OrganisationFactory(owner=user)` also makes that user its owner."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def owner(self, create: bool, extracted: User | None, **kwargs: Any) -> None:
        if create and extracted is not None:
            Membership.objects.create(organisation=self, user=extracted, role=OrganisationRole.OWNER)


class MembershipFactory(DjangoModelFactory[Membership]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.MEMBER


class InvitationFactory(DjangoModelFactory[Invitation]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A pending invitation; the raw token (normally only emailed) is on `invitation.token` for the test."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = OrganisationRole.MEMBER
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class: type[Invitation], *args: Any, **kwargs: Any) -> Invitation:
        token = kwargs.pop("token")
        kwargs["token_hash"] = hashlib.sha256(token.encode()).hexdigest()
        invitation: Invitation = super()._create(model_class, *args, **kwargs)
        invitation.token = token  # type: ignore[attr-defined]  # the raw token exists only in the test
        return invitation


class ApiKeyFactory(DjangoModelFactory[ApiKey]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A personal key with every scope (pass `organisation=` and `user=None` for an organisation key).

    The raw key is on `api_key.key` for the test to present.
    """

    class Meta:
        model = ApiKey

    name = factory.Sequence(lambda n: f"Key {n}")
    user = factory.SubFactory(UserFactory)
    organisation = None
    scopes = factory.LazyFunction(lambda: sorted(API_KEY_SCOPES))

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: Any, **kwargs: Any) -> ApiKey:
        prefix = "".join(secrets.choice(string.ascii_letters + string.digits) for _unused in range(12))
        key = f"azk_{prefix}_{secrets.token_urlsafe(32)}"
        kwargs.update(prefix=prefix, secret_hash=hashlib.sha256(key.encode()).hexdigest())
        kwargs.setdefault("created_by", kwargs.get("user"))
        api_key: ApiKey = super()._create(model_class, *args, **kwargs)
        api_key.key = key  # type: ignore[attr-defined]  # the raw key exists only in the test
        return api_key
