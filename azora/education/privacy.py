"""Azora Education's part of data protection: the person's enrolments, lesson progress, attempts, grades and
certificates for their export; what an approved deletion clears.

Grades and certificates stay as records of what was earned; the learner's name is cleared from the certificate row
and from the issuer's copies of the credential (the readable claims and the signed JWT, which carries the name),
and their free-text answers are cleared. The credential file the learner downloaded still verifies: its signature
needs only the issuer's public key, and its record (expiry, revocation) stays.
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.education.models import Attempt, Certificate, CourseGrade, Enrollment, LessonProgress
from azora.security.public import export_rows, register_anonymiser, register_exporter


def export_education_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "enrolments": export_rows(
            Enrollment.objects.filter(user_id=user_id).order_by("-created_at"),
            ["course_id", "course__title", "source", "status", "completed_at", "last_activity_at", "created_at"],
        ),
        "lesson_progress": export_rows(
            LessonProgress.objects.filter(enrollment__user_id=user_id).order_by("-completed_at"),
            ["lesson__title", "lesson__course__title", "completed_at", "seconds_spent"],
        ),
        "attempts": export_rows(
            Attempt.objects.filter(user_id=user_id).order_by("-started_at"),
            [
                "assessment__title",
                "number",
                "status",
                "answers",
                "started_at",
                "submitted_at",
                "score_percent",
                "is_passed",
            ],
        ),
        "course_grades": export_rows(
            CourseGrade.objects.filter(user_id=user_id).order_by("-computed_at"),
            ["course__title", "percent", "computed_at"],
        ),
        "certificates": export_rows(
            Certificate.objects.filter(user_id=user_id).order_by("-issued_at"),
            ["id", "learner_name", "course_title", "skills", "issued_at", "valid_until"],
        ),
    }


def anonymise_education_data(user_id: uuid.UUID) -> None:
    for certificate_id, credential in Certificate.objects.filter(user_id=user_id).values_list("id", "credential"):
        Certificate.objects.filter(pk=certificate_id).update(
            learner_name="", signed_jwt="", credential=credential_without_name(credential)
        )
    Attempt.objects.filter(user_id=user_id).update(answers={})


def credential_without_name(credential: dict[str, Any]) -> dict[str, Any]:
    """The readable claims with the subject's name and name identifiers taken out; the achievement stays."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        return credential
    kept = {key: value for key, value in subject.items() if key not in ("name", "identifier")}
    return {**credential, "credentialSubject": kept}


register_exporter("education", export_education_data)
register_anonymiser("education", anonymise_education_data)
