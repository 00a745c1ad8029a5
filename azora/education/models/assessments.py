"""Education tables for assessments: the question bank, assessments, attempts, rubric grades and course grades."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = [
    "Assessment",
    "AssessmentQuestion",
    "AssessmentSelection",
    "Attempt",
    "AttemptStatus",
    "CourseGrade",
    "FreeTextGrade",
    "GradeCategory",
    "GradeOverride",
    "Question",
    "QuestionKind",
]


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    NUMERIC = "numeric", _("Numeric")
    SHORT_TEXT = "short_text", _("Short text")
    ORDERING = "ordering", _("Ordering")
    FREE_TEXT = "free_text", _("Free text")


class AssessmentSelection(models.TextChoices):
    FIXED = "fixed", _("Fixed questions")
    RANDOM = "random", _("Random draw")


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AWAITING_GRADING = "awaiting_grading", _("Awaiting grading")
    CLOSED = "closed", _("Closed")


class GradeCategory(PublicModel):
    """A grade category of a course ("Quizzes", "Exams"): its relative weight and how many lowest scores it drops."""

    course = models.ForeignKey("education.Course", on_delete=models.CASCADE, related_name="grade_categories")
    name = models.CharField(max_length=80)
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(1))
    drop_lowest = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "name"]
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="edu_grade_category_unique")]

    def __str__(self) -> str:
        return self.name


class Question(PublicModel):
    """A question of a course's bank; `definition` holds its options and answers (grading.definition_parse form).

    A question an attempt has used is archived rather than deleted, so closed attempts keep their review.
    """

    course = models.ForeignKey("education.Course", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    prompt = models.TextField()
    points = models.DecimalField(max_digits=7, decimal_places=2)
    definition = models.JSONField()
    feedback = models.TextField(blank=True, default="")  # shown with the right answer once an attempt closes
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["course", "id"]
        indexes = [models.Index(fields=["course", "is_archived"], name="edu_question_bank_idx")]

    def __str__(self) -> str:
        return self.prompt[:60]


class Assessment(PublicModel):
    """An assessment of a course: which questions (fixed, or a seeded random draw), its rules and its grade weight.

    With `selection` "random", `draw_count` questions are drawn from the listed questions, or from the course's
    whole bank when none are listed.
    """

    course = models.ForeignKey("education.Course", on_delete=models.PROTECT, related_name="assessments")
    module = models.ForeignKey(
        "education.Module", on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    selection = models.CharField(max_length=10, choices=AssessmentSelection.choices, default=AssessmentSelection.FIXED)
    draw_count = models.PositiveIntegerField(null=True, blank=True)
    passing_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(70))
    max_attempts = models.PositiveIntegerField(null=True, blank=True)  # None: unlimited
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)  # None: untimed
    is_required = models.BooleanField(default=True)
    category = models.ForeignKey(GradeCategory, on_delete=models.PROTECT, related_name="assessments")
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(1))
    position = models.PositiveIntegerField(default=0)
    questions = models.ManyToManyField(Question, through="AssessmentQuestion", related_name="+")

    class Meta:
        ordering = ["course", "position", "id"]
        indexes = [models.Index(fields=["course", "position"], name="edu_assessment_course_idx")]

    def __str__(self) -> str:
        return self.title


class AssessmentQuestion(models.Model):
    """A question listed on an assessment, in order."""

    id = models.BigAutoField(primary_key=True)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="question_links")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="assessment_links")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="edu_assessment_question_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} #{self.position}: {self.question_id}"


class Attempt(PublicModel):
    """A learner's attempt: the questions drawn for it (by its seed), answers saved so far, deadline and outcome.

    At most one open attempt per learner and assessment (the conditional unique key), and numbers are unique, so
    two concurrent starts cannot both pass the attempt limit.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    seed = models.CharField(max_length=64)
    question_ids = models.JSONField(default=list)  # the drawn questions in the order shown, as text ids
    answers = models.JSONField(default=dict)  # question id -> answer in grading.answer_to_json form
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=10, blank=True, default="")  # "learner" or "auto" (expired)
    closed_at = models.DateTimeField(null=True, blank=True)
    points_awarded = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    points_possible = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_passed = models.BooleanField(null=True, blank=True)
    result = models.JSONField(default=list, blank=True)  # per question: points and status, once submitted

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user", "number"], name="edu_attempt_number_unique"),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=models.Q(status="open"),
                name="edu_attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "assessment"], name="edu_attempt_user_idx"),
            models.Index(fields=["status", "deadline"], name="edu_attempt_deadline_idx"),
        ]


class FreeTextGrade(PublicModel):
    """An instructor's rubric scores for one free-text answer of an attempt (one per answer)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="free_text_grades")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.JSONField()  # criterion id -> points as text
    total = models.DecimalField(max_digits=9, decimal_places=2)
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["attempt", "id"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="edu_free_text_grade_unique")]


class CourseGrade(PublicModel):
    """A learner's course grade as last computed: `snapshot` is grading.grade_to_json of it (with the explanation)."""

    course = models.ForeignKey("education.Course", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    computed_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    snapshot = models.TextField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["course", "user"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="edu_course_grade_unique")]


class GradeOverride(models.Model):
    """An instructor's override of a course grade: who, when, old and new grade, why. Append-only; latest counts."""

    id = models.BigAutoField(primary_key=True)
    course = models.ForeignKey("education.Course", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    old_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_percent = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["course", "user", "id"]
        indexes = [models.Index(fields=["course", "user", "-id"], name="edu_grade_override_idx")]
        triggers = [
            # Append-only on PostgreSQL: an override is an audit record.
            pgtrigger.Protect(name="edu_grade_override_no_update", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.old_percent} -> {self.new_percent}"
