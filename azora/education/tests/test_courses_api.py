"""Course authoring through the real /api/v1 edge: who may edit, publication rules, lessons, versions, uploads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.education.models import (
    Course,
    CourseInstructor,
    CourseStatus,
    Lesson,
    LessonAttachment,
    LessonVersion,
    Module,
)
from azora.education.tests.cover_files import image_bytes
from azora.education.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    course_with_lessons,
    instructor_user,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"
PNG = image_bytes(width=64, height=36, fmt="PNG")


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return call(f"/api/v1{path}", content_type=JSON) if method != "GET" else call(f"/api/v1{path}")
    return call(f"/api/v1{path}", data=json.dumps(body), content_type=JSON)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def snapshot() -> dict[str, Any]:
    """Everything course authoring writes, to prove that a refused request changed nothing."""
    return {
        "courses": list(Course.objects.order_by("id").values()),
        "instructors": list(CourseInstructor.objects.order_by("id").values("course_id", "user_id", "position")),
        "modules": list(Module.objects.order_by("id").values()),
        "lessons": list(Lesson.objects.order_by("id").values()),
        "versions": LessonVersion.objects.count(),
        "attachments": LessonAttachment.objects.count(),
    }


@pytest.fixture
def instructor(db: None) -> User:
    return instructor_user(email="teacher@example.test", display_name="Thandi Teacher")


def test_an_instructor_creates_a_draft_course_with_every_field(instructor: User) -> None:
    CategoryFactory(slug="finance", name="Finance")
    co_teacher = instructor_user(display_name="Co Teacher")
    response = send(
        session_client(instructor),
        "POST",
        "/courses",
        {
            "title": "Money basics",
            "summary": "Budgets and interest.",
            "description": "A long description.",
            "language": "en",
            "level": "intermediate",
            "category": "finance",
            "tags": ["Budget", "savings", "budget"],
            "estimated_hours": "3.5",
            "instructor_ids": [str(co_teacher.id)],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    course = body["course"]
    assert course["slug"] == "money-basics"
    assert course["status"] == "draft"
    assert course["level"] == "intermediate"
    assert course["category"]["slug"] == "finance"
    assert course["tags"] == ["budget", "savings"]
    assert course["estimated_hours"] == "3.5"
    assert [i["display_name"] for i in course["instructors"]] == ["Thandi Teacher", "Co Teacher"]
    assert body["viewer_may_edit"] is True
    assert body["modules"] == []


def test_a_learner_cannot_create_courses_and_nothing_is_written() -> None:
    learner = UserFactory()
    before = snapshot()
    assert_problem(send(session_client(learner), "POST", "/courses", {"title": "Mine"}), 403, "permission_denied")
    assert snapshot() == before


def test_an_organisation_instructor_creates_courses_in_their_organisation() -> None:
    organisation = OrganisationFactory()
    teacher = MembershipFactory(organisation=organisation, role="instructor").user
    member = MembershipFactory(organisation=organisation, role="member").user
    response = send(
        session_client(teacher), "POST", "/courses", {"title": "Onboarding", "organisation_id": str(organisation.id)}
    )
    assert response.status_code == 201
    assert response.json()["organisation_id"] == str(organisation.id)
    before = snapshot()
    refused = send(
        session_client(teacher),
        "POST",
        "/courses",
        {"title": "With a learner", "organisation_id": str(organisation.id), "instructor_ids": [str(member.id)]},
    )
    assert_problem(refused, 422, "invalid_instructor")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": ""}, 422, "validation_failed"),
        ({"title": "X", "level": "wizard"}, 422, "validation_failed"),
        ({"title": "X", "category": "nope"}, 422, "unknown_category"),
        ({"title": "X", "slug": "Bad Slug!"}, 422, "validation_failed"),
        ({"title": "X", "language": "english!"}, 422, "validation_failed"),
        ({"title": "X", "estimated_hours": "-1"}, 422, "validation_failed"),
        ({"title": "X", "tags": ["a" * 41]}, 422, "validation_failed"),
        ({"title": "X", "prerequisite_ids": ["018f0000-0000-7000-8000-000000000000"]}, 422, "invalid_prerequisite"),
        ({"title": "X", "colour": "red"}, 422, "validation_failed"),
        ({"title": "X", "slug": "taken"}, 409, "course_slug_taken"),
    ],
)
def test_bad_course_input_is_refused_and_nothing_is_written(
    instructor: User, body: dict[str, Any], status: int, code: str
) -> None:
    CourseFactory(slug="taken")
    before = snapshot()
    assert_problem(send(session_client(instructor), "POST", "/courses", body), status, code)
    assert snapshot() == before


def test_only_instructors_and_organisation_admins_edit_a_course() -> None:
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    course = CourseFactory(organisation=organisation, published=True)
    outsider = UserFactory()

    before = snapshot()
    assert_problem(
        send(session_client(outsider), "PATCH", f"/courses/{course.id}", {"title": "Hijacked"}),
        403,
        "permission_denied",
    )
    assert snapshot() == before

    assert (
        send(session_client(admin), "PATCH", f"/courses/{course.id}", {"title": "Renamed"}).json()["course"]["title"]
        == "Renamed"
    )
    teacher = course.created_by
    updated = send(session_client(teacher), "PATCH", f"/courses/{course.id}", {"summary": "New summary"})
    assert updated.json()["course"]["summary"] == "New summary"


def test_another_user_gets_404_for_a_draft_course_and_its_parts() -> None:
    course, lessons = course_with_lessons(published=False)
    outsider = session_client(UserFactory())
    before = snapshot()
    assert_problem(send(outsider, "GET", f"/courses/{course.slug}"), 404, "course_not_found")
    assert_problem(send(outsider, "GET", f"/courses/{course.id}"), 404, "course_not_found")
    assert_problem(send(outsider, "PATCH", f"/courses/{course.id}", {"title": "X"}), 404, "course_not_found")
    assert_problem(send(outsider, "POST", f"/courses/{course.id}/publish"), 404, "course_not_found")
    assert_problem(send(outsider, "POST", f"/courses/{course.id}/modules", {"title": "M"}), 404, "course_not_found")
    module_id = lessons[0].module_id
    assert_problem(send(outsider, "PATCH", f"/modules/{module_id}", {"title": "M"}), 404, "module_not_found")
    assert_problem(send(outsider, "DELETE", f"/modules/{module_id}"), 404, "module_not_found")
    assert_problem(send(outsider, "POST", f"/modules/{module_id}/lessons", {"title": "L"}), 404, "module_not_found")
    assert_problem(send(outsider, "GET", f"/lessons/{lessons[0].id}"), 404, "lesson_not_found")
    assert_problem(send(outsider, "GET", f"/lessons/{lessons[0].id}/source"), 404, "lesson_not_found")
    assert_problem(send(outsider, "PATCH", f"/lessons/{lessons[0].id}", {"title": "L"}), 404, "lesson_not_found")
    assert_problem(send(outsider, "GET", f"/lessons/{lessons[0].id}/versions"), 404, "lesson_not_found")
    assert snapshot() == before


def test_authoring_modules_and_lessons_and_reordering_them(instructor: User) -> None:
    client = session_client(instructor)
    course_id = send(client, "POST", "/courses", {"title": "Python basics"}).json()["course"]["id"]
    first = send(client, "POST", f"/courses/{course_id}/modules", {"title": "Start"}).json()
    second = send(client, "POST", f"/courses/{course_id}/modules", {"title": "Next"}).json()
    assert (first["position"], second["position"]) == (0, 1)
    a = send(
        client,
        "POST",
        f"/modules/{first['id']}/lessons",
        {"title": "A", "body_markdown": "*a*", "estimated_minutes": 5},
    )
    assert a.status_code == 201
    assert a.json()["body_html"] == "<p><em>a</em></p>\n"
    b = send(client, "POST", f"/modules/{first['id']}/lessons", {"title": "B"}).json()
    reordered = send(client, "POST", f"/courses/{course_id}/modules/reorder", {"ids": [second["id"], first["id"]]})
    assert [m["title"] for m in reordered.json()] == ["Next", "Start"]
    lessons = send(client, "POST", f"/modules/{first['id']}/lessons/reorder", {"ids": [b["id"], a.json()["id"]]})
    assert [lesson["title"] for lesson in lessons.json()] == ["B", "A"]
    detail = send(client, "GET", f"/courses/{course_id}").json()
    assert [m["title"] for m in detail["modules"]] == ["Next", "Start"]
    assert [lesson["title"] for lesson in detail["modules"][1]["lessons"]] == ["B", "A"]
    assert detail["lesson_count"] == 2
    assert detail["total_minutes"] == 5

    before = snapshot()
    bad = send(client, "POST", f"/courses/{course_id}/modules/reorder", {"ids": [first["id"]]})
    assert_problem(bad, 422, "invalid_order")
    assert snapshot() == before

    assert send(client, "PATCH", f"/modules/{second['id']}", {"title": "Later"}).json()["title"] == "Later"
    assert send(client, "DELETE", f"/lessons/{b['id']}").status_code == 204
    assert send(client, "DELETE", f"/modules/{second['id']}").status_code == 204
    assert list(Module.objects.filter(course_id=course_id).values_list("title", flat=True)) == ["Start"]


def test_a_lesson_body_with_script_and_event_handlers_is_sanitised(instructor: User) -> None:
    module = ModuleFactory(course=CourseFactory(instructors=[instructor]))
    body = '# Hi\n\n<script>steal()</script>\n\n<p onmouseover="steal()">Read</p>\n'
    response = send(
        session_client(instructor), "POST", f"/modules/{module.id}/lessons", {"title": "T", "body_markdown": body}
    )
    assert response.status_code == 201
    assert response.json()["body_html"] == "<h1>Hi</h1>\n\n<p>Read</p>\n"
    assert response.json()["body_markdown"] == body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"title": "T", "video_url": "http://youtube.com/watch?v=abcdefgh"}, "invalid_video_url"),
        ({"title": "T", "video_url": "javascript:alert(1)"}, "invalid_video_url"),
        ({"title": "T", "estimated_minutes": -1}, "validation_failed"),
        ({"title": "T", "estimated_minutes": "many"}, "validation_failed"),
        ({"title": ""}, "validation_failed"),
    ],
)
def test_bad_lesson_input_is_refused_and_nothing_is_written(instructor: User, body: dict[str, Any], code: str) -> None:
    module = ModuleFactory(course=CourseFactory(instructors=[instructor]))
    before = snapshot()
    assert_problem(send(session_client(instructor), "POST", f"/modules/{module.id}/lessons", body), 422, code)
    assert snapshot() == before


def test_publishing_needs_a_lesson_and_only_published_courses_are_visible(instructor: User) -> None:
    client = session_client(instructor)
    learner = session_client(UserFactory())
    course = CourseFactory(instructors=[instructor])
    before = snapshot()
    assert_problem(send(client, "POST", f"/courses/{course.id}/publish"), 409, "course_has_no_lessons")
    assert snapshot() == before
    assert_problem(send(client, "POST", f"/courses/{course.id}/archive"), 409, "course_status_transition_invalid")

    LessonFactory(module=ModuleFactory(course=course))
    published = send(client, "POST", f"/courses/{course.id}/publish").json()
    assert published["course"]["status"] == "published"
    assert published["course"]["published_at"] is not None
    assert send(learner, "GET", f"/courses/{course.slug}").status_code == 200

    assert send(client, "POST", f"/courses/{course.id}/archive").json()["course"]["status"] == "archived"
    assert_problem(send(learner, "GET", f"/courses/{course.slug}"), 404, "course_not_found")
    assert_problem(send(client, "POST", f"/courses/{course.id}/publish"), 409, "course_status_transition_invalid")
    assert Course.objects.get(pk=course.id).status == CourseStatus.ARCHIVED


def test_editing_a_published_lesson_keeps_every_earlier_version(instructor: User) -> None:
    _, lessons = course_with_lessons(instructors=[instructor], modules=1, lessons_per_module=1)
    lesson = lessons[0]
    client = session_client(instructor)
    first = send(client, "PATCH", f"/lessons/{lesson.id}", {"body_markdown": "Version two"}).json()
    second = send(client, "PATCH", f"/lessons/{lesson.id}", {"title": "Renamed", "estimated_minutes": 12}).json()
    unchanged = send(client, "PATCH", f"/lessons/{lesson.id}", {"title": "Renamed"}).json()
    assert (first["version"], second["version"], unchanged["version"]) == (2, 3, 3)
    history = send(client, "GET", f"/lessons/{lesson.id}/versions").json()
    assert [(v["version"], v["title"], v["body_markdown"]) for v in history] == [
        (2, lesson.title, "Version two"),
        (1, lesson.title, "Read **this** carefully."),
    ]
    assert all(v["edited_by_id"] == str(instructor.id) for v in history)
    source = send(client, "GET", f"/lessons/{lesson.id}/source").json()
    assert (source["title"], source["body_html"]) == ("Renamed", "<p>Version two</p>\n")


def test_editing_a_draft_lesson_keeps_no_versions(instructor: User) -> None:
    _, lessons = course_with_lessons(instructors=[instructor], published=False, modules=1, lessons_per_module=1)
    send(session_client(instructor), "PATCH", f"/lessons/{lessons[0].id}", {"title": "Changed"})
    assert LessonVersion.objects.count() == 0


def test_a_cover_image_is_stored_through_the_storage_api(instructor: User) -> None:
    course = CourseFactory(instructors=[instructor])
    client = session_client(instructor)
    upload = SimpleUploadedFile("cover.png", PNG, content_type="image/png")
    response = client.post(f"/api/v1/courses/{course.id}/cover", {"file": upload})
    assert response.status_code == 200, response.content
    url = response.json()["course"]["cover_image_url"]
    assert url.startswith(f"/media/education/covers/{course.id}/")
    assert url.endswith("/original.png")
    from django.core.files.storage import default_storage

    path = Course.objects.get(pk=course.id).cover_image
    with default_storage.open(path) as stored:
        assert stored.read()[:8] == b"\x89PNG\r\n\x1a\n"  # re-encoded without metadata (test_cover_images.py)


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"GIF89a not a png", 422, "invalid_upload"),
        (b"", 422, "invalid_upload"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), 413, "payload_too_large"),  # the edge's body limit
    ],
)
def test_a_bad_cover_image_is_refused_and_nothing_is_written(
    instructor: User, content: bytes, status: int, code: str
) -> None:
    course = CourseFactory(instructors=[instructor])
    before = snapshot()
    response = session_client(instructor).post(
        f"/api/v1/courses/{course.id}/cover", {"file": SimpleUploadedFile("cover.png", content)}
    )
    assert_problem(response, status, code)
    assert snapshot() == before


def test_a_cover_over_two_mebibytes_is_refused_by_the_service(instructor: User) -> None:
    from azora.education.errors import InvalidUpload
    from azora.education.public import course_cover_set

    course = CourseFactory(instructors=[instructor])
    before = snapshot()
    with pytest.raises(InvalidUpload):
        course_cover_set(
            course_id=course.id, user_id=instructor.id, filename="c.png", content=PNG + b"0" * (2 * 1024 * 1024)
        )
    assert snapshot() == before


def test_attachments_are_checked_and_stored(instructor: User) -> None:
    _, lessons = course_with_lessons(instructors=[instructor], modules=1, lessons_per_module=1)
    client = session_client(instructor)
    url = f"/api/v1/lessons/{lessons[0].id}/attachments"
    ok = client.post(url, {"file": SimpleUploadedFile("../notes.pdf", b"%PDF-1.7 body")})
    assert ok.status_code == 201, ok.content
    [attachment] = ok.json()["attachments"]
    assert (attachment["name"], attachment["content_type"], attachment["size_bytes"]) == (
        "notes.pdf",
        "application/pdf",
        13,
    )
    before = snapshot()
    assert_problem(client.post(url, {"file": SimpleUploadedFile("virus.exe", b"MZ")}), 422, "invalid_upload")
    assert_problem(client.post(url, {"file": SimpleUploadedFile("fake.pdf", b"<html>")}), 422, "invalid_upload")
    assert snapshot() == before


def test_a_course_cannot_become_its_own_prerequisite(instructor: User) -> None:
    first = CourseFactory(instructors=[instructor])
    second = CourseFactory(instructors=[instructor])
    client = session_client(instructor)
    assert send(client, "PATCH", f"/courses/{second.id}", {"prerequisite_ids": [str(first.id)]}).status_code == 200
    before = snapshot()
    assert_problem(
        send(client, "PATCH", f"/courses/{first.id}", {"prerequisite_ids": [str(second.id)]}),
        422,
        "invalid_prerequisite",
    )
    assert_problem(
        send(client, "PATCH", f"/courses/{first.id}", {"prerequisite_ids": [str(first.id)]}),
        422,
        "invalid_prerequisite",
    )
    assert snapshot() == before


def test_lessons_that_learners_completed_cannot_be_deleted(instructor: User) -> None:
    from azora.education.tests.factories import EnrollmentFactory, LessonProgressFactory

    course, lessons = course_with_lessons(instructors=[instructor], modules=1, lessons_per_module=1)
    LessonProgressFactory(enrollment=EnrollmentFactory(course=course), lesson=lessons[0])
    before = snapshot()
    client = session_client(instructor)
    assert_problem(send(client, "DELETE", f"/lessons/{lessons[0].id}"), 409, "lesson_has_progress")
    assert_problem(send(client, "DELETE", f"/modules/{lessons[0].module_id}"), 409, "lesson_has_progress")
    assert snapshot() == before


def test_categories_and_courses_taught(instructor: User) -> None:
    CategoryFactory(slug="python", name="Python")
    CourseFactory(instructors=[instructor], title="Mine")
    CourseFactory(title="Theirs")
    client = session_client(instructor)
    assert [c["slug"] for c in send(client, "GET", "/categories").json()] == ["python"]
    assert [c["title"] for c in send(client, "GET", "/me/courses").json()] == ["Mine"]
