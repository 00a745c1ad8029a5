"""Cover uploads through the real /api/v1 edge: Pillow decodes them, strips metadata and stores WebP variants."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.education.errors import InvalidUpload
from azora.education.models import Course
from azora.education.tests.cover_files import GPS_IFD, MAKE, ORIENTATION, image_bytes, opened
from azora.education.tests.factories import CourseFactory, instructor_user
from azora.education.tests.test_courses_api import assert_problem, snapshot

pytestmark = pytest.mark.django_db
NOT_AN_IMAGE = "A cover image must be a PNG, JPEG or WebP file."


@pytest.fixture
def instructor(db: None) -> User:
    return instructor_user(email="covers@example.test", display_name="Cora Cover")


def stored_files(course_id: object) -> list[str]:
    """Every file the storage holds for a course's covers (folders included), sorted."""
    root = f"education/covers/{course_id}"
    if not default_storage.exists(root):
        return []
    folders, files = default_storage.listdir(root)
    found = [f"{root}/{name}" for name in files]
    for folder in folders:
        found += [f"{root}/{folder}/{name}" for name in default_storage.listdir(f"{root}/{folder}")[1]]
    return sorted(found)


def read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        data: bytes = handle.read()
    return data


def upload(user: User, course_id: object, content: bytes, name: str = "cover.jpg") -> Any:
    return session_client(user).post(f"/api/v1/courses/{course_id}/cover", {"file": SimpleUploadedFile(name, content)})


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge canvas (a decompression bomb's shape) over one tiny data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_a_jpeg_with_gps_becomes_a_clean_original_and_two_webp_variants(instructor: User) -> None:
    course = CourseFactory(instructors=[instructor])
    photo = image_bytes(width=1600, height=1200, fmt="JPEG", with_gps=True)
    assert opened(photo).getexif()[MAKE] == "Azora Test Camera"  # the fixture really carries EXIF and GPS

    response = upload(instructor, course.id, photo)

    assert response.status_code == 200, response.content
    path = Course.objects.get(pk=course.id).cover_image
    folder = path.rsplit("/", 1)[0]
    assert path == f"{folder}/original.jpg"
    assert stored_files(course.id) == [f"{folder}/card.webp", f"{folder}/hero.webp", f"{folder}/original.jpg"]
    cover = response.json()["course"]["cover"]
    assert cover == {
        "original_url": f"/media/{folder}/original.jpg",
        "card_url": f"/media/{folder}/card.webp",
        "card_width": 640,
        "card_height": 360,
        "hero_url": f"/media/{folder}/hero.webp",
        "hero_width": 1280,
        "hero_height": 720,
        "has_variants": True,
    }
    assert response.json()["course"]["cover_image_url"] == f"/media/{folder}/original.jpg"
    for name, size in (("card", (640, 360)), ("hero", (1280, 720))):
        variant = opened(read(f"{folder}/{name}.webp"))
        assert (variant.format, variant.size) == ("WEBP", size)
        assert len(variant.getexif()) == 0
        assert "exif" not in variant.info
        assert "xmp" not in variant.info
    original = opened(read(path))
    assert (original.format, original.size) == ("JPEG", (1600, 1200))
    assert len(original.getexif()) == 0
    assert original.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in original.info


def test_a_png_and_a_webp_keep_their_format_and_get_variants(instructor: User) -> None:
    for fmt, extension in (("PNG", "png"), ("WEBP", "webp")):
        course = CourseFactory(instructors=[instructor])
        response = upload(instructor, course.id, image_bytes(width=300, height=500, fmt=fmt), name=f"c.{extension}")
        assert response.status_code == 200, response.content
        path = Course.objects.get(pk=course.id).cover_image
        assert path.endswith(f"/original.{extension}")
        assert opened(read(path)).size == (300, 500)
        # A portrait image is cropped (and scaled up) to fill the 16:9 boxes exactly.
        folder = path.rsplit("/", 1)[0]
        assert opened(read(f"{folder}/card.webp")).size == (640, 360)
        assert opened(read(f"{folder}/hero.webp")).size == (1280, 720)


def test_a_new_cover_replaces_the_old_folder_after_commit(
    instructor: User, django_capture_on_commit_callbacks: Any
) -> None:
    course = CourseFactory(instructors=[instructor])
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(instructor, course.id, image_bytes(fmt="PNG"), "a.png").status_code == 200
    first = stored_files(course.id)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(instructor, course.id, image_bytes(fmt="JPEG")).status_code == 200
    second = stored_files(course.id)
    assert len(first) == len(second) == 3
    assert set(first).isdisjoint(second)


@pytest.mark.parametrize(
    ("content", "code", "detail"),
    [
        (b"just some text, not an image", "invalid_upload", "A cover image must be a PNG, JPEG or WebP file."),
        (
            image_bytes(width=64, height=36, fmt="GIF"),
            "invalid_upload",
            "A cover image must be a PNG, JPEG or WebP file.",
        ),
        (image_bytes(fmt="PNG")[:200], "invalid_upload", "A cover image must be a PNG, JPEG or WebP file."),
        (png_header_only(8000, 5001), "cover_image_too_large", None),  # 40,008,000 pixels: one canvas too many
        (png_header_only(100_000, 100_000), "cover_image_too_large", None),  # Pillow's own bomb error
    ],
    ids=["text", "gif", "truncated-png", "over-40-megapixels", "decompression-bomb"],
)
def test_a_non_image_or_too_large_image_is_refused_and_nothing_is_stored(
    instructor: User, content: bytes, code: str, detail: str | None
) -> None:
    course = CourseFactory(instructors=[instructor])
    before = snapshot()

    body = assert_problem(upload(instructor, course.id, content, "cover.png"), 422, code)

    if detail is not None:
        assert body["detail"] == detail
    else:
        assert body["title"] == "A cover image may have at most 40 megapixels."
    assert snapshot() == before
    assert stored_files(course.id) == []


def test_a_cover_over_two_mebibytes_is_refused_by_the_service_and_nothing_is_stored(instructor: User) -> None:
    course = CourseFactory(instructors=[instructor])
    before = snapshot()
    too_big = image_bytes(fmt="PNG") + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(InvalidUpload) as raised:
        education.course_cover_set(course_id=course.id, user_id=instructor.id, filename="c.png", content=too_big)
    assert str(raised.value) == "A cover image must be between 1 byte and 2 MiB."
    assert snapshot() == before
    assert stored_files(course.id) == []


def test_covers_stored_before_variants_keep_working_and_get_variants_once(
    instructor: User, django_capture_on_commit_callbacks: Any
) -> None:
    course = CourseFactory(instructors=[instructor])
    no_cover = CourseFactory(instructors=[instructor])
    legacy = default_storage.save(f"education/covers/{course.id}/0123abcd.png", ContentFile(image_bytes(fmt="PNG")))
    Course.objects.filter(pk=course.id).update(cover_image=legacy)

    before = education.course_detail_by_id(course_id=course.id, viewer_id=instructor.id).course.cover
    assert before == education.CoverImages(
        original_url=f"/media/{legacy}", card_url=f"/media/{legacy}", hero_url=f"/media/{legacy}", has_variants=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_cover_variants", stdout=(out := io.StringIO()))
    assert (
        out.getvalue()
        == "Covers: 1 converted, 0 already had variants, 0 could not be read (they keep their single-file cover).\n"
    )
    path = Course.objects.get(pk=course.id).cover_image
    folder = path.rsplit("/", 1)[0]
    assert stored_files(course.id) == [f"{folder}/card.webp", f"{folder}/hero.webp", f"{folder}/original.png"]
    assert opened(read(f"{folder}/card.webp")).size == (640, 360)
    assert Course.objects.get(pk=no_cover.id).cover_image == ""

    rows = list(Course.objects.order_by("pk").values_list("pk", "cover_image"))
    assert education.course_cover_variants_create() == {"created": 0, "skipped": 1, "failed": 0}
    assert list(Course.objects.order_by("pk").values_list("pk", "cover_image")) == rows
    assert stored_files(course.id) == [f"{folder}/card.webp", f"{folder}/hero.webp", f"{folder}/original.png"]


def test_a_legacy_cover_that_no_longer_decodes_is_left_as_it_is(instructor: User) -> None:
    course = CourseFactory(instructors=[instructor])
    legacy = default_storage.save(
        f"education/covers/{course.id}/bad.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    )
    Course.objects.filter(pk=course.id).update(cover_image=legacy)

    assert education.course_cover_variants_create() == {"created": 0, "skipped": 0, "failed": 1}
    assert Course.objects.get(pk=course.id).cover_image == legacy
    assert stored_files(course.id) == [legacy]


def test_a_phone_photo_turned_by_its_exif_tag_is_stored_upright(instructor: User) -> None:
    course = CourseFactory(instructors=[instructor])
    source = opened(image_bytes(width=1600, height=1200, fmt="JPEG"))
    exif = source.getexif()
    exif[ORIENTATION] = 6  # "rotate 90 degrees clockwise to display"
    turned = io.BytesIO()
    source.save(turned, "JPEG", exif=exif)

    assert upload(instructor, course.id, turned.getvalue()).status_code == 200

    original = opened(read(Course.objects.get(pk=course.id).cover_image))
    assert original.size == (1200, 1600)  # the pixels were turned, since the tag that said so is gone
    assert len(original.getexif()) == 0
