"""Student pricing: verified addresses at student domains, manual verification by platform admins (service, API
and admin), expiry, and the discount on PRO only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.conftest import jwt_client
from azora.accounts.tests.factories import UserFactory
from azora.revenue.models import Plan, StudentVerification
from azora.revenue.public import pricing
from azora.revenue.tests.pricing.factories import StudentVerificationFactory
from azora.shared.errors import PermissionDenied

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def platform_admin(catalogue: dict[str, Plan]) -> User:
    user: User = UserFactory()
    platform_role_grant(user_id=user.id, role="platform_admin")
    return user


@pytest.mark.parametrize(
    ("email", "verified", "expected"),
    [
        ("thandi@students.uct.ac.za", True, "ac.za"),
        ("sam@mit.edu", True, "edu"),
        ("sam@MIT.EDU", True, "edu"),
        ("thandi@uct.ac.za", False, None),  # not verified: no student price
        ("thandi@notac.za", True, None),
        ("sam@edu.example.com", True, None),
    ],
)
def test_a_verified_address_at_a_student_domain_makes_a_student(
    catalogue: dict[str, Plan], email: str, verified: bool, expected: str | None
) -> None:
    user = UserFactory(email=email.lower(), email_verified=verified)

    status = pricing.student_status(user_id=user.id)

    assert status.is_verified is (expected is not None)
    assert status.method == ("email_domain" if expected else None)
    assert status.evidence == (expected or "")
    assert pricing.student_discount_bp(user_id=user.id, plan_code="pro") == (5_000 if expected else 0)
    assert pricing.student_discount_bp(user_id=user.id, plan_code="enterprise") == 0


def test_a_second_verified_address_counts(catalogue: dict[str, Plan]) -> None:
    user = UserFactory(email="thandi@example.test")
    EmailAddress.objects.create(user=user, email="thandi@wits.ac.za", verified=True, primary=False)

    assert pricing.student_status(user_id=user.id).evidence == "ac.za"


@override_settings(AZORA_REVENUE_STUDENT_DOMAINS="ac.ke", AZORA_REVENUE_STUDENT_DISCOUNT_BP=3_000)
def test_the_domains_and_discount_are_configured(catalogue: dict[str, Plan]) -> None:
    kenyan = UserFactory(email="wanjiru@uonbi.ac.ke")
    south_african = UserFactory(email="thandi@uct.ac.za")

    assert pricing.student_discount_bp(user_id=kenyan.id, plan_code="pro") == 3_000
    assert pricing.student_discount_bp(user_id=south_african.id, plan_code="pro") == 0


def test_manual_verification_by_a_platform_admin_until_it_expires(platform_admin: User) -> None:
    student = UserFactory()
    until = timezone.now() + timedelta(days=30)

    status = pricing.student_verify_manual(
        user_id=student.id, verified_by_id=platform_admin.id, evidence=" Card 123 ", expires_at=until
    )

    assert status == pricing.StudentStatusView(
        user_id=student.id, is_verified=True, method="manual", evidence="Card 123", expires_at=until
    )
    assert pricing.student_discount_bp(user_id=student.id, plan_code="PRO") == 5_000
    StudentVerification.objects.filter(user=student).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert pricing.student_status(user_id=student.id).is_verified is False


def test_only_a_platform_admin_verifies_and_a_refusal_writes_nothing(platform_admin: User) -> None:
    student = UserFactory()
    instructor = UserFactory()

    with pytest.raises(PermissionDenied):
        pricing.student_verify_manual(user_id=student.id, verified_by_id=instructor.id, evidence="Card")
    for evidence, expires_at in (("", None), ("x" * 201, None), ("Card", timezone.now() - timedelta(days=1))):
        with pytest.raises(pricing.StudentVerificationInvalid):
            pricing.student_verify_manual(
                user_id=student.id, verified_by_id=platform_admin.id, evidence=evidence, expires_at=expires_at
            )

    assert not StudentVerification.objects.exists()


def test_revoking_a_manual_verification(platform_admin: User) -> None:
    student = UserFactory()
    StudentVerificationFactory(user=student)

    pricing.student_verification_revoke(user_id=student.id, revoked_by_id=platform_admin.id)
    pricing.student_verification_revoke(user_id=student.id, revoked_by_id=platform_admin.id)

    assert pricing.student_status(user_id=student.id).is_verified is False


# --- API ---


def test_post_verification_for_platform_admins(platform_admin: User) -> None:
    student = UserFactory()

    response = jwt_client(platform_admin).post(
        f"/api/v1/students/{student.id}/verification",
        data=json.dumps({"evidence": "Student card 42", "expires_at": "2099-01-31T00:00:00Z"}),
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    assert response.json() == {
        "user_id": str(student.id),
        "is_verified": True,
        "method": "manual",
        "evidence": "Student card 42",
        "expires_at": "2099-01-31T00:00:00Z",
    }
    row = StudentVerification.objects.get(user=student)
    assert (row.verified_by_id, row.method) == (platform_admin.id, "manual")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"evidence": ""}, 422, "student_verification_invalid"),
        ({"evidence": "Card", "expires_at": "2001-01-01T00:00:00Z"}, 422, "student_verification_invalid"),
        ({"evidence": "Card", "extra": 1}, 422, "validation_failed"),
    ],
)
def test_post_verification_bad_input_writes_nothing(
    platform_admin: User, body: dict[str, object], status: int, code: str
) -> None:
    response = jwt_client(platform_admin).post(
        f"/api/v1/students/{UserFactory().id}/verification", data=json.dumps(body), content_type=JSON
    )

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not StudentVerification.objects.exists()


def test_post_verification_is_refused_to_others(catalogue: dict[str, Plan]) -> None:
    learner = UserFactory()

    response = jwt_client(learner).post(
        f"/api/v1/students/{learner.id}/verification", data=json.dumps({"evidence": "Trust me"}), content_type=JSON
    )

    assert response.status_code == 403
    assert response.json()["code"] == "platform_admin_required"
    assert not StudentVerification.objects.exists()


def test_post_verification_for_an_unknown_user_is_not_found(platform_admin: User) -> None:
    response = jwt_client(platform_admin).post(
        "/api/v1/students/01939a1e-0000-7000-8000-000000000000/verification",
        data=json.dumps({"evidence": "Card"}),
        content_type=JSON,
    )

    assert response.status_code == 404
    assert not StudentVerification.objects.exists()


def test_get_my_student_status(catalogue: dict[str, Plan]) -> None:
    user = UserFactory(email="thandi@uct.ac.za")

    response = jwt_client(user).get("/api/v1/me/student-status")

    assert response.json() == {
        "user_id": str(user.id),
        "is_verified": True,
        "method": "email_domain",
        "evidence": "ac.za",
        "expires_at": None,
    }
