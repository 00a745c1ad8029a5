"""Cover images and lesson attachments in the instructor area, shown to learners and served from local storage."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course, LessonAttachment
from azora.education.tests.cover_files import image_bytes, opened
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db

PNG = image_bytes(width=64, height=36, fmt="PNG")
PDF = b"%PDF-1.7\n% a worksheet\n"


def _cover_url(page: str) -> str:
    found = re.search(r'<img class="cover[^"]*" src="([^"]+)"', page)
    assert found is not None, "no cover image on the page"
    return found.group(1)


def _served(client: Client, url: str, content_type: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a FileResponse streams


def test_an_instructor_uploads_a_cover_that_the_catalogue_and_course_page_show(
    as_instructor: Client, client: Client, course: BuiltCourse
) -> None:
    assert as_instructor.get(f"/teach/{course.id}/cover/").status_code == 200
    photo = image_bytes(width=2400, height=1600, fmt="JPEG")

    response = as_instructor.post(
        f"/teach/{course.id}/cover/", {"file": SimpleUploadedFile("cover.jpg", photo, content_type="image/jpeg")}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/teach/{course.id}/"
    path = Course.objects.get(pk=course.id).cover_image
    folder = path.removesuffix("/original.jpg")
    assert folder.startswith(f"education/covers/{course.id}/")
    card, hero = f"/media/{folder}/card.webp", f"/media/{folder}/hero.webp"
    client.logout()
    catalogue = client.get("/courses/").content.decode()
    assert (
        f'<img class="cover" src="{card}" srcset="{card} 640w, {hero} 1280w" sizes="(min-width: 40rem) 24rem, 100vw"'
        ' alt="" width="640" height="360" loading="lazy" decoding="async">'
    ) in catalogue
    course_page = client.get(f"/courses/{course.slug}/").content.decode()
    assert (
        f'<img class="cover cover-hero" src="{hero}" srcset="{card} 640w, {hero} 1280w"'
        ' sizes="(min-width: 40rem) 40rem, 100vw" alt="" width="1280" height="720" decoding="async">'
    ) in course_page
    assert opened(_served(client, card, "image/webp")).size == (640, 360)
    assert opened(_served(client, hero, "image/webp")).size == (1280, 720)
    assert opened(_served(client, f"/media/{path}", "image/jpeg")).size == (2400, 1600)
    # The catalogue on a slow phone: the page and its card image stay far below the 500 KB budget.
    assert len(catalogue) + len(_served(client, card, "image/webp")) < 100_000


def test_a_cover_from_before_variants_is_shown_as_it_is(client: Client, course: BuiltCourse) -> None:
    legacy = default_storage.save(f"education/covers/{course.id}/old.png", ContentFile(PNG))
    Course.objects.filter(pk=course.id).update(cover_image=legacy)

    expected = f'<img class="cover" src="/media/{legacy}" alt="" width="640" height="360" loading="lazy"'
    assert expected in client.get("/courses/").content.decode()
    assert (
        f'<img class="cover cover-hero" src="/media/{legacy}" alt=""'
        in client.get(f"/courses/{course.slug}/").content.decode()
    )
    assert _served(client, f"/media/{legacy}", "image/png") == PNG


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain"), "must be a PNG, JPEG or WebP"),
        (SimpleUploadedFile("fake.png", b"GIF89a" + b"\x00" * 10, content_type="image/png"), "PNG, JPEG or WebP"),
        (SimpleUploadedFile("huge.png", PNG + b"\x00" * (2 * 1024 * 1024), content_type="image/png"), "2 MiB"),
        (SimpleUploadedFile("cut.png", image_bytes(fmt="PNG")[:300], content_type="image/png"), "PNG, JPEG or WebP"),
        (None, "This field is required."),
    ],
)
def test_a_bad_cover_is_refused_with_a_clear_error_and_nothing_changes(
    as_instructor: Client, course: BuiltCourse, upload: SimpleUploadedFile | None, message: str
) -> None:
    response = as_instructor.post(f"/teach/{course.id}/cover/", {"file": upload} if upload else {})

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert Course.objects.get(pk=course.id).cover_image == ""


def test_an_attachment_is_uploaded_listed_and_downloaded_by_enrolled_learners_only(
    as_instructor: Client, client: Client, course: BuiltCourse, learner: User, stranger: User
) -> None:
    lesson_id = course.lesson_ids[0]
    response = as_instructor.post(
        f"/teach/{course.id}/lessons/{lesson_id}/attachments/",
        {"file": SimpleUploadedFile("Budget worksheet.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/teach/{course.id}/lessons/{lesson_id}/"
    [attachment] = LessonAttachment.objects.filter(lesson_id=lesson_id)
    assert (attachment.name, attachment.content_type, attachment.size_bytes) == (
        "Budget_worksheet.pdf",
        "application/pdf",
        len(PDF),
    )
    editor = as_instructor.get(f"/teach/{course.id}/lessons/{lesson_id}/").content.decode()
    assert "Budget_worksheet.pdf" in editor

    education.enrollment_create(course_id=course.id, user_id=learner.id)
    client.force_login(learner)
    lesson_page = client.get(f"/learn/{lesson_id}/").content.decode()
    found = re.search(r'<a href="([^"]+)" download>Budget_worksheet.pdf</a>', lesson_page)
    assert found is not None
    download = client.get(found.group(1))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Budget_worksheet.pdf"'
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]  # a FileResponse streams

    client.force_login(stranger)
    assert client.get(found.group(1)).status_code == 404
    client.logout()
    assert client.get(found.group(1)).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"), "Attachments may be"),
        (SimpleUploadedFile("fake.pdf", b"not a pdf", content_type="application/pdf"), "not a .pdf file"),
        (SimpleUploadedFile("empty.txt", b"", content_type="text/plain"), "The submitted file is empty."),
    ],
)
def test_a_bad_attachment_is_refused_with_a_clear_error_and_nothing_is_stored(
    as_instructor: Client, course: BuiltCourse, upload: SimpleUploadedFile, message: str
) -> None:
    lesson_id = course.lesson_ids[0]

    response = as_instructor.post(f"/teach/{course.id}/lessons/{lesson_id}/attachments/", {"file": upload})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert LessonAttachment.objects.count() == 0


def test_an_attachment_over_20_mib_is_refused(as_instructor: Client, course: BuiltCourse) -> None:
    big = SimpleUploadedFile("big.txt", b"a" * (20 * 1024 * 1024 + 10), content_type="text/plain")

    response = as_instructor.post(f"/teach/{course.id}/lessons/{course.lesson_ids[0]}/attachments/", {"file": big})

    assert response.status_code == 422
    assert "between 1 byte and 20 MiB" in response.content.decode()
    assert LessonAttachment.objects.count() == 0


def test_others_cannot_upload_files_to_my_course(client: Client, course: BuiltCourse, learner: User) -> None:
    other = UserFactory(email="other@example.test")
    accounts.platform_role_grant(user_id=other.id, role="instructor")
    build_course(other, title="Their own course")
    for person in (learner, other):
        client.force_login(person)
        cover = client.post(f"/teach/{course.id}/cover/", {"file": SimpleUploadedFile("c.png", PNG)})
        attachment = client.post(
            f"/teach/{course.id}/lessons/{course.lesson_ids[0]}/attachments/",
            {"file": SimpleUploadedFile("w.pdf", PDF)},
        )
        assert (cover.status_code, attachment.status_code) == (404, 404)
    assert Course.objects.get(pk=course.id).cover_image == ""
    assert LessonAttachment.objects.count() == 0


def test_a_draft_cover_and_unknown_files_are_not_served(client: Client, instructor: User) -> None:
    draft = build_course(instructor, title="Draft course", publish=False)
    education.course_cover_set(course_id=draft.id, user_id=instructor.id, filename="c.png", content=PNG)
    url = f"/media/{Course.objects.get(pk=draft.id).cover_image}"

    assert client.get(url).status_code == 404  # a visitor may not see the draft
    client.force_login(instructor)
    assert client.get(url).status_code == 200
    assert client.get(f"/media/education/covers/{draft.id}/nothing.png").status_code == 404
    assert client.get("/media/education/covers/not-a-uuid/x.png").status_code == 404
    assert client.get("/media/somewhere/else.txt").status_code == 404
