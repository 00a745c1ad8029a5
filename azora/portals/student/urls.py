"""Pages of the Student Portal: catalogue, pricing, learning, quizzes, records, rewards, the public verify page
and teaching."""

from django.urls import include, path

from azora.portals.student.views import (
    assessments,
    catalogue,
    certificates,
    learning,
    media,
    pricing,
    rewards,
    teach,
    teach_assessments,
    teach_certificates,
    teach_files,
    teach_grades,
)

app_name = "student"

urlpatterns = [
    # Elara (chat, conversations, memory, oversight) and onboarding (wizard, learning path), each in its module.
    path("", include("azora.portals.student.urls_elara")),
    path("", include("azora.portals.student.urls_onboarding")),
    # The catalogue and course pages (public).
    path("courses/", catalogue.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", catalogue.course_page, name="course"),
    path("courses/<slug:slug>/enrol/", catalogue.enrol, name="enrol"),
    # Lessons live under /learn/: the service worker keeps visited ones for offline reading.
    path("learn/<uuid:lesson_id>/", learning.lesson, name="lesson"),
    path("learn/<uuid:lesson_id>/complete/", learning.lesson_complete, name="lesson_complete"),
    # Quizzes (never stored offline: the server's clock decides).
    path("quiz/<uuid:course_id>/<uuid:assessment_id>/", assessments.assessment, name="assessment"),
    path("quiz/<uuid:course_id>/<uuid:assessment_id>/start/", assessments.attempt_start, name="attempt_start"),
    path("quiz/attempts/<uuid:attempt_id>/", assessments.attempt, name="attempt"),
    path("quiz/attempts/<uuid:attempt_id>/save/", assessments.attempt_save, name="attempt_save"),
    path("quiz/attempts/<uuid:attempt_id>/submit/", assessments.attempt_submit, name="attempt_submit"),
    # Plans and prices (public; the plan itself is managed in the Pay UI), rewards and offers.
    path("pricing/", pricing.pricing, name="pricing"),
    path("my/rewards/", rewards.rewards, name="rewards"),
    path("my/offers/<uuid:offer_id>/accept/", rewards.offer_accept, name="offer_accept"),
    # The learner's own records.
    path("my/", learning.dashboard, name="dashboard"),
    path("my/grades/<uuid:course_id>/", assessments.grades, name="grades"),
    path("my/certificates/", certificates.certificate_list, name="certificates"),
    path("my/certificates/<uuid:certificate_id>/", certificates.certificate_detail, name="certificate"),
    path(
        "my/certificates/<uuid:certificate_id>/credential.jwt",
        certificates.certificate_download,
        name="certificate_download",
    ),
    # Anyone may verify a certificate; this path is printed in QR codes: keep it stable.
    path("verify/<uuid:certificate_id>/", certificates.verify, name="verify"),
    # The instructor area.
    path("teach/", teach.teach_home, name="teach"),
    path("teach/new/", teach.course_new, name="teach_course_new"),
    path("teach/<uuid:course_id>/", teach.course_outline, name="teach_course"),
    path("teach/<uuid:course_id>/details/", teach.course_edit, name="teach_course_edit"),
    path("teach/<uuid:course_id>/publish/", teach.course_publish, name="teach_course_publish"),
    path("teach/<uuid:course_id>/archive/", teach.course_archive, name="teach_course_archive"),
    path("teach/<uuid:course_id>/cover/", teach_files.course_cover, name="teach_course_cover"),
    path("teach/<uuid:course_id>/modules/", teach.module_create, name="teach_module_create"),
    path("teach/<uuid:course_id>/modules/<uuid:module_id>/", teach.module_edit, name="teach_module"),
    path("teach/<uuid:course_id>/modules/<uuid:module_id>/delete/", teach.module_delete, name="teach_module_delete"),
    path("teach/<uuid:course_id>/modules/<uuid:module_id>/move/", teach.module_move, name="teach_module_move"),
    path("teach/<uuid:course_id>/modules/<uuid:module_id>/lessons/new/", teach.lesson_new, name="teach_lesson_new"),
    path("teach/<uuid:course_id>/lessons/<uuid:lesson_id>/", teach.lesson_edit, name="teach_lesson"),
    path("teach/<uuid:course_id>/lessons/<uuid:lesson_id>/delete/", teach.lesson_delete, name="teach_lesson_delete"),
    path("teach/<uuid:course_id>/lessons/<uuid:lesson_id>/move/", teach.lesson_move, name="teach_lesson_move"),
    path(
        "teach/<uuid:course_id>/lessons/<uuid:lesson_id>/attachments/",
        teach_files.lesson_attachment_add,
        name="teach_lesson_attachment_add",
    ),
    path("teach/<uuid:course_id>/questions/", teach_assessments.question_bank, name="teach_questions"),
    path("teach/<uuid:course_id>/questions/new/", teach_assessments.question_new, name="teach_question_new"),
    path(
        "teach/<uuid:course_id>/questions/<uuid:question_id>/",
        teach_assessments.question_edit,
        name="teach_question",
    ),
    path(
        "teach/<uuid:course_id>/questions/<uuid:question_id>/delete/",
        teach_assessments.question_delete,
        name="teach_question_delete",
    ),
    path("teach/<uuid:course_id>/assessments/new/", teach_assessments.assessment_new, name="teach_assessment_new"),
    path(
        "teach/<uuid:course_id>/assessments/<uuid:assessment_id>/",
        teach_assessments.assessment_edit,
        name="teach_assessment",
    ),
    path("teach/<uuid:course_id>/grading/", teach_assessments.grading, name="teach_grading"),
    path(
        "teach/<uuid:course_id>/grading/<uuid:attempt_id>/<uuid:question_id>/",
        teach_assessments.grade_answer,
        name="teach_grade_answer",
    ),
    path("teach/<uuid:course_id>/grades/", teach_grades.gradebook, name="teach_gradebook"),
    path(
        "teach/<uuid:course_id>/grades/recompute/", teach_grades.gradebook_recompute, name="teach_gradebook_recompute"
    ),
    path("teach/<uuid:course_id>/grades/<uuid:learner_id>/", teach_grades.learner_grade, name="teach_learner_grade"),
    path(
        "teach/<uuid:course_id>/grades/<uuid:learner_id>/override/",
        teach_grades.learner_grade_override,
        name="teach_learner_grade_override",
    ),
    path(
        "teach/<uuid:course_id>/grades/<uuid:learner_id>/recompute/",
        teach_grades.learner_grade_recompute,
        name="teach_learner_grade_recompute",
    ),
    path("teach/<uuid:course_id>/certificates/", teach_certificates.certificates, name="teach_certificates"),
    path(
        "teach/<uuid:course_id>/certificates/<uuid:certificate_id>/revoke/",
        teach_certificates.certificate_revoke,
        name="teach_certificate_revoke",
    ),
    # Uploaded covers and attachments when the storage is local (with S3 their URLs point at the bucket).
    path("media/<path:path>", media.media_file, name="media"),
]
