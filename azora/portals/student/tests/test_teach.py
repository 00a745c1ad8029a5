"""The instructor area: courses, modules and lessons, order, publication; bad input re-renders and writes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db


def test_my_courses_lists_every_course_i_teach_with_its_status(as_instructor: Client, instructor: User) -> None:
    build_course(instructor, title="Money basics")
    build_course(instructor, title="Draft course", publish=False)

    html = as_instructor.get("/teach/").content.decode()

    rows = re.findall(
        r'<a href="/teach/[0-9a-f-]+/">([^<]+)</a></td>\s*<td[^>]*><span class="badge badge-status">(\w+)', html
    )
    assert sorted(rows) == [("Draft course", "Draft"), ("Money basics", "Published")]
    assert '<a href="/teach/elara/">Your learners\u2019 conversations with Elara (flagged first)</a>' in html


def test_creating_a_course_makes_a_draft_and_opens_its_outline(as_instructor: Client, instructor: User) -> None:
    education.category_ensure(slug="finance", name="Finance")
    response = as_instructor.post(
        "/teach/new/",
        {
            "title": "Budgeting 101",
            "summary": "Plan a month.",
            "level": "beginner",
            "language": "en",
            "category": "finance",
            "tags": "money, budget",
            "estimated_hours": "2.5",
        },
    )

    courses = education.courses_taught_by(user_id=instructor.id)
    assert [(c.title, c.status, c.tags, str(c.estimated_hours)) for c in courses] == [
        ("Budgeting 101", "draft", ("money", "budget"), "2.5")
    ]
    assert response.status_code == 302
    assert response["Location"] == f"/teach/{courses[0].id}/"


def test_a_course_form_with_bad_input_re_renders_with_errors_and_writes_nothing(
    as_instructor: Client, instructor: User
) -> None:
    response = as_instructor.post(
        "/teach/new/", {"title": "", "level": "wizard", "language": "en", "slug": "Not A Slug"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_title_error"><li>This field is required.</li></ul>' in html
    assert "Select a valid choice. wizard is not one of the available choices." in html
    assert education.courses_taught_by(user_id=instructor.id) == []


def test_a_taken_slug_is_shown_beside_its_field(as_instructor: Client, instructor: User, course: BuiltCourse) -> None:
    response = as_instructor.post(
        "/teach/new/", {"title": "Another", "slug": course.slug, "level": "beginner", "language": "en"}
    )

    assert response.status_code == 422
    assert '<ul class="errorlist" id="id_slug_error"><li>This slug is taken.</li></ul>' in response.content.decode()
    assert len(education.courses_taught_by(user_id=instructor.id)) == 1


def test_learners_without_the_instructor_role_cannot_create_courses(as_learner: Client, learner: User) -> None:
    response = as_learner.post("/teach/new/", {"title": "Mine", "level": "beginner", "language": "en"})

    assert response.status_code == 422
    assert "instructor role" in response.content.decode()
    assert education.courses_taught_by(user_id=learner.id) == []


def test_another_instructors_course_is_not_found(client: Client, stranger: User, course: BuiltCourse) -> None:
    client.force_login(stranger)
    lesson_id = course.lesson_ids[0]
    module_id = course.detail.modules[0].id

    assert client.get(f"/teach/{course.id}/").status_code == 404
    assert client.get(f"/teach/{course.id}/details/").status_code == 404
    assert client.post(f"/teach/{course.id}/archive/").status_code == 404
    assert client.post(f"/teach/{course.id}/modules/", {"title": "Hijack"}).status_code == 404
    assert client.get(f"/teach/{course.id}/lessons/{lesson_id}/").status_code == 404
    assert client.post(f"/teach/{course.id}/modules/{module_id}/delete/").status_code == 404
    detail = education.course_detail_by_id(course_id=course.detail.id, viewer_id=None)
    assert (detail.course.status, len(detail.modules)) == ("published", 2)


def test_modules_and_lessons_are_added_and_reordered(as_instructor: Client, instructor: User) -> None:
    draft = build_course(instructor, title="Draft", publish=False)
    _first_module, second_module = draft.detail.modules

    response = as_instructor.post(f"/teach/{draft.id}/modules/", {"title": "Wrap-up", "summary": "What next"})
    assert response.status_code == 302
    as_instructor.post(f"/teach/{draft.id}/modules/{second_module.id}/move/", {"direction": "up"})
    as_instructor.post(f"/teach/{draft.id}/lessons/{draft.lesson_ids[1]}/move/", {"direction": "up"})

    detail = education.course_detail_by_id(course_id=draft.detail.id, viewer_id=instructor.id)
    assert [module.title for module in detail.modules] == ["Growing money", "Budgeting", "Wrap-up"]
    assert [lesson.title for lesson in detail.modules[1].lessons] == ["Saving", "Needs and wants"]


def test_a_module_without_a_title_re_renders_the_outline_and_writes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    response = as_instructor.post(f"/teach/{course.id}/modules/", {"title": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert len(education.course_detail_by_id(course_id=course.detail.id, viewer_id=instructor.id).modules) == 2


def test_a_new_lesson_is_rendered_by_the_domain_and_script_is_removed(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    module_id = course.detail.modules[1].id

    response = as_instructor.post(
        f"/teach/{course.id}/modules/{module_id}/lessons/new/",
        {
            "title": "Debt",
            "body_markdown": "## Debt\n\n<img src=x onerror=alert(1)> Pay the **dearest** first.",
            "estimated_minutes": "7",
            "is_required": "on",
            "save": "1",
        },
    )

    assert response.status_code == 302
    detail = education.course_detail_by_id(course_id=course.detail.id, viewer_id=instructor.id)
    lesson = detail.modules[1].lessons[-1]
    assert (lesson.title, lesson.estimated_minutes) == ("Debt", 7)
    assert response["Location"] == f"/teach/{course.id}/lessons/{lesson.id}/"
    view = education.lesson_for_learner(lesson_id=lesson.id, user_id=instructor.id)
    assert "<strong>dearest</strong>" in view.body_html
    assert "onerror" not in view.body_html


def test_a_lesson_with_a_bad_video_address_re_renders_and_writes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    module_id = course.detail.modules[1].id

    response = as_instructor.post(
        f"/teach/{course.id}/modules/{module_id}/lessons/new/",
        {"title": "Video", "video_url": "http://insecure.example/video", "estimated_minutes": "-3"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    detail = education.course_detail_by_id(course_id=course.detail.id, viewer_id=instructor.id)
    assert [lesson.title for lesson in detail.modules[1].lessons] == ["Compound interest"]


def test_publishing_a_course_without_lessons_is_refused(as_instructor: Client, instructor: User) -> None:
    empty = education.course_create(user_id=instructor.id, title="Empty", level="beginner", language="en")

    response = as_instructor.post(f"/teach/{empty.id}/publish/", follow=True)

    assert "A course needs at least one lesson before it can be published." in response.content.decode()
    assert education.course_detail_by_id(course_id=empty.id, viewer_id=instructor.id).course.status == "draft"


def test_publishing_then_archiving(as_instructor: Client, instructor: User) -> None:
    draft = build_course(instructor, title="Draft", publish=False)

    as_instructor.post(f"/teach/{draft.id}/publish/")
    assert education.course_detail_by_id(course_id=draft.detail.id, viewer_id=None).course.status == "published"
    response = as_instructor.post(f"/teach/{draft.id}/archive/", follow=True)
    assert "The course is archived" in response.content.decode()
    assert education.course_detail_by_id(course_id=draft.detail.id, viewer_id=instructor.id).course.status == "archived"


def test_editing_course_details(as_instructor: Client, instructor: User, course: BuiltCourse) -> None:
    form = as_instructor.get(f"/teach/{course.id}/details/").content.decode()
    assert 'value="Money basics"' in form

    response = as_instructor.post(
        f"/teach/{course.id}/details/",
        {
            "title": "Money basics 2",
            "slug": course.slug,
            "level": "intermediate",
            "language": "en",
            "category": "finance",
            "instructors": "lerato@example.test",
        },
    )

    assert response.status_code == 302
    detail = education.course_detail_by_id(course_id=course.detail.id, viewer_id=instructor.id)
    assert (detail.course.title, detail.course.level) == ("Money basics 2", "intermediate")


def test_the_lesson_editor_shows_the_markdown_and_saves_an_edit(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[1]
    page = as_instructor.get(f"/teach/{course.id}/lessons/{lesson_id}/").content.decode()
    assert "Pay yourself first: move 10% to savings on pay day.</textarea>" in page
    assert '<section class="preview"' in page  # the saved lesson as learners see it

    response = as_instructor.post(
        f"/teach/{course.id}/lessons/{lesson_id}/",
        {"title": "Saving first", "body_markdown": "Save **20%**.", "estimated_minutes": "3", "is_required": "on"},
    )

    assert response.status_code == 302
    current = education.lesson_for_author(lesson_id=lesson_id, user_id=instructor.id)
    assert (current.title, current.body_markdown, current.estimated_minutes) == ("Saving first", "Save **20%**.", 3)
    assert "<strong>20%</strong>" in current.body_html
    history = as_instructor.get(f"/teach/{course.id}/lessons/{lesson_id}/").content.decode()
    assert "Version 1: “Saving”, replaced" in history  # the course is published: the edit kept the previous version


def test_an_empty_lesson_title_re_renders_and_changes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[1]

    response = as_instructor.post(f"/teach/{course.id}/lessons/{lesson_id}/", {"title": "", "body_markdown": "Gone"})

    assert response.status_code == 422
    current = education.lesson_for_author(lesson_id=lesson_id, user_id=instructor.id)
    assert (current.title, current.version) == ("Saving", 1)
