"""Certificates vouch for skills: CertificateIssued adds or verifies the catalogue skills it carries at the course's
level (SkillVerified each, once), CertificateRevoked takes the verification back unless another certificate holds."""

from __future__ import annotations

import uuid

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.education.events import CertificateIssued, CertificateRevoked
from azora.marketplace import subscribers
from azora.marketplace.models import Skill, UserSkill
from azora.marketplace.tests.factories import UserSkillFactory
from azora.shared.events.registry import subscriptions_for
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def issued(user_id: uuid.UUID, *skills: str, certificate_id: uuid.UUID | None = None) -> CertificateIssued:
    return CertificateIssued(
        certificate_id=certificate_id or uuid.uuid4(), course_id=uuid.uuid4(), user_id=user_id, skills=skills
    )


def held(user_id: uuid.UUID) -> list[tuple[str, int, bool]]:
    rows = UserSkill.objects.filter(user_id=user_id).order_by("skill__name")
    return [(row.skill.name, row.level, row.is_verified) for row in rows]


def test_a_certificate_adds_and_verifies_its_catalogue_skills_once() -> None:
    learner = UserFactory()
    UserSkillFactory(user=learner, skill=Skill.objects.get(slug="sql"), level=3)
    event = issued(learner.id, "sql", "Python", "Underwater basket weaving")
    subscribers.verify_skills_on_certificate_issued(event)
    subscribers.verify_skills_on_certificate_issued(event)  # redelivered
    assert held(learner.id) == [("Python", 1, True), ("SQL", 3, True)]
    assert set(UserSkill.objects.filter(user=learner).values_list("certificate_id", flat=True)) == {
        event.certificate_id
    }
    payloads = OutboxEvent.objects.filter(event_type="marketplace.skill_verified").values_list("payload", flat=True)
    assert sorted(p["skill_id"] for p in payloads) == sorted(
        str(s) for s in Skill.objects.filter(slug__in=["python", "sql"]).values_list("id", flat=True)
    )


def test_a_revoked_certificate_unverifies_unless_another_one_carries_the_skill() -> None:
    learner = UserFactory()
    event = issued(learner.id, "Python", "Git")
    subscribers.verify_skills_on_certificate_issued(event)
    subscribers.unverify_skills_on_certificate_revoked(
        CertificateRevoked(
            certificate_id=event.certificate_id, course_id=event.course_id, user_id=learner.id, revoked_by=uuid.uuid4()
        )
    )
    assert held(learner.id) == [("Git", 1, False), ("Python", 1, False)]
    assert set(UserSkill.objects.filter(user=learner).values_list("certificate_id", flat=True)) == {None}


def test_the_handlers_are_registered() -> None:
    issued_names = {subscription.name for subscription in subscriptions_for("education.certificate_issued")}
    revoked_names = {subscription.name for subscription in subscriptions_for("education.certificate_revoked")}
    assert "marketplace.verify_skills_on_certificate_issued" in issued_names
    assert "marketplace.unverify_skills_on_certificate_revoked" in revoked_names


def test_a_revoked_certificate_hands_the_skill_to_another_valid_certificate() -> None:
    from azora.education.tests.certificate_factories import CourseFactory, issued_certificate

    learner = UserFactory()
    first = issued_certificate(user=learner, course=CourseFactory(tags=["Python"], level="intermediate"))
    second = issued_certificate(user=learner, course=CourseFactory(tags=["python", "SQL"], level="beginner"))
    for certificate in (first, second):
        subscribers.verify_skills_on_certificate_issued(
            CertificateIssued(
                certificate_id=certificate.id,
                course_id=certificate.course_id,
                user_id=learner.id,
                skills=tuple(certificate.skills),
            )
        )
    assert held(learner.id) == [("Python", 2, True), ("SQL", 1, True)]
    python = UserSkill.objects.get(user=learner, skill__slug="python")
    assert python.certificate_id == second.id  # the latest certificate that vouched for it
    subscribers.unverify_skills_on_certificate_revoked(
        CertificateRevoked(
            certificate_id=second.id, course_id=second.course_id, user_id=learner.id, revoked_by=uuid.uuid4()
        )
    )
    assert held(learner.id) == [("Python", 2, True), ("SQL", 1, False)]
    assert UserSkill.objects.get(user=learner, skill__slug="python").certificate_id == first.id
