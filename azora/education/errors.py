"""Azora Education's domain errors (append-only; each area adds its own section)."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

# --- Courses, enrolment and progress (EDU-COURSES) ---


class CourseNotFound(NotFound):
    """Also raised for a course the caller may not see, so a draft looks the same as no course at all."""

    code = "course_not_found"
    title = "Course not found."


class ModuleNotFound(NotFound):
    code = "module_not_found"
    title = "Module not found."


class LessonNotFound(NotFound):
    code = "lesson_not_found"
    title = "Lesson not found."


class CourseSlugTaken(Conflict):
    code = "course_slug_taken"
    title = "Another course already uses this slug."


class CourseHasNoLessons(Conflict):
    code = "course_has_no_lessons"
    title = "A course needs at least one lesson before it can be published."


class CourseStatusTransitionInvalid(Conflict):
    code = "course_status_transition_invalid"
    title = "The course cannot move to that status from its current one."


class EnrollmentClosed(Conflict):
    code = "enrollment_closed"
    title = "Only published courses accept enrolments."


class PaidCourseRequiresPurchase(Conflict):
    code = "paid_course_requires_purchase"
    title = "This course is sold; it is enrolled through a purchase, not by self-enrolment."


class EnrollmentNotFound(NotFound):
    code = "enrollment_not_found"
    title = "This learner is not enrolled in this course."


class EnrollmentRevokeReasonInvalid(ValidationFailed):
    code = "enrollment_revoke_reason_invalid"
    title = "A revocation needs a reason of 1 to 200 characters."


class InvalidInstructor(ValidationFailed):
    code = "invalid_instructor"
    title = "Instructors must hold the instructor role in the course's organisation or on the platform."


class InvalidPrerequisite(ValidationFailed):
    code = "invalid_prerequisite"
    title = "A prerequisite must be another existing course."


class InvalidOrder(ValidationFailed):
    code = "invalid_order"
    title = "The new order must list every item exactly once."


class InvalidUpload(ValidationFailed):
    code = "invalid_upload"
    title = "The file is not accepted."


class CoverImageTooLarge(ValidationFailed):
    code = "cover_image_too_large"
    title = "A cover image may have at most 40 megapixels."


class InvalidVideoUrl(ValidationFailed):
    code = "invalid_video_url"
    title = "A video URL must be an https:// address."


class UnknownCategory(ValidationFailed):
    code = "unknown_category"
    title = "No category has that slug."


# --- Certificates (EDU-CERTS) ---


class CertificateNotFound(NotFound):
    """Also raised for a certificate the caller may not see, so it looks the same as no certificate at all."""

    code = "certificate_not_found"
    title = "Certificate not found."


class CertificateNotEarned(Conflict):
    code = "certificate_not_earned"
    title = "A certificate is issued only for a completed enrolment."


class CertificateAlreadyRevoked(Conflict):
    code = "certificate_already_revoked"
    title = "This certificate has already been revoked."


class CertificateRevokeForbidden(PermissionDenied):
    code = "certificate_revoke_forbidden"
    title = "Only the course's instructors and platform admins may revoke a certificate."


class RevocationReasonInvalid(ValidationFailed):
    code = "revocation_reason_invalid"
    title = "A revocation needs a reason of 1 to 1000 characters."


# --- Courses, enrolment and progress (EDU-COURSES), continued ---


class LessonHasProgress(Conflict):
    code = "lesson_has_progress"
    title = "Learners have completed this lesson; deleting it would lose their progress."


# --- Assessments and grades (EDU-ASSESS) ---


class AssessmentNotFound(NotFound):
    """Also raised for an assessment of a course the caller is not enrolled in (or may not author)."""

    code = "assessment_not_found"
    title = "Assessment not found."


class QuestionNotFound(NotFound):
    code = "question_not_found"
    title = "Question not found."


class AttemptNotFound(NotFound):
    """Also raised for another learner's attempt, so it looks the same as no attempt at all."""

    code = "attempt_not_found"
    title = "Attempt not found."


class AttemptLimitReached(Conflict):
    code = "attempt_limit_reached"
    title = "You have used every attempt this assessment allows."


class AttemptExpired(Conflict):
    code = "attempt_expired"
    title = "The time limit of this attempt has passed; it was submitted with the answers saved before the deadline."


class AttemptClosed(Conflict):
    code = "attempt_closed"
    title = "This attempt has been submitted; its answers can no longer change."


class AnswerInvalid(ValidationFailed):
    """`extra["question_id"]` names the question whose answer does not fit its type."""

    code = "answer_invalid"
    title = "An answer does not fit its question."


class QuestionInvalid(ValidationFailed):
    """`extra["field"]` names the part of the question at fault."""

    code = "question_invalid"
    title = "The question is not valid."


class AssessmentInvalid(ValidationFailed):
    """`extra["field"]` names the setting at fault."""

    code = "assessment_invalid"
    title = "The assessment's settings are not valid."


class AssessmentHasNoQuestions(Conflict):
    code = "assessment_has_no_questions"
    title = "This assessment has no questions to attempt yet."


class FreeTextAlreadyGraded(Conflict):
    code = "free_text_already_graded"
    title = "This answer has already been graded."


class GradeOverrideInvalid(ValidationFailed):
    code = "grade_override_invalid"
    title = "An override needs a grade from 0 to 100 (2 decimals at most) and a reason of 1 to 1000 characters."


class GradeNotFound(NotFound):
    code = "grade_not_found"
    title = "Grade not found."


# --- Certificates (EDU-CERTS), continued ---


class CertificateTokenInvalid(ValidationFailed):
    code = "certificate_token_invalid"
    title = "The token is not a certificate credential: a JWT whose id is urn:uuid:<certificate id>."
