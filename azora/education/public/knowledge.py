"""Published lessons as knowledge passages for the offline assistant (registered with shared.knowledge in ready())."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator

import nh3
from django.db.models import Count, Max

from azora.shared.knowledge import Passage

__all__ = ["lesson_passages", "lessons_version", "readable_course_ids"]

# A lesson is cut into passages of about this many characters at paragraph boundaries, so retrieval cites the part
# of a long lesson that answers, not the whole of it.
PASSAGE_CHARACTERS = 1200
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|pre|blockquote|tr|dd|dt|div|figcaption|summary)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _plain_paragraphs(body_html: str) -> list[str]:
    marked = _BLOCK_END.sub("\n", body_html)
    text = html.unescape(nh3.clean(marked, tags=set()))
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n") if line.strip()]


def _chunks(paragraphs: list[str]) -> Iterator[str]:
    current: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if current and size + len(paragraph) > PASSAGE_CHARACTERS:
            yield "\n".join(current)
            current, size = [], 0
        current.append(paragraph)
        size += len(paragraph) + 1
    if current:
        yield "\n".join(current)


def lesson_passages() -> Iterator[Passage]:
    """Every lesson of a published course, as plain-text passages linking to the student portal's lesson page."""
    from azora.education.models import CourseStatus, Lesson

    lessons = (
        Lesson.objects.filter(course__status=CourseStatus.PUBLISHED)
        .select_related("course")
        .only("id", "title", "body_html", "course__id", "course__title")
        .order_by("course_id", "module__position", "position", "id")
    )
    for lesson in lessons.iterator(chunk_size=200):
        title = f"{lesson.course.title}: {lesson.title}"
        url = f"/learn/{lesson.id}/"
        for number, text in enumerate(_chunks(_plain_paragraphs(lesson.body_html))):
            yield Passage(
                source_id=f"lesson:{lesson.id}#{number}", title=title, url=url, text=text, course_id=lesson.course.id
            )


def lessons_version() -> str:
    """A cheap fingerprint of the published lessons: their count and latest change (one aggregate query)."""
    from azora.education.models import CourseStatus, Lesson

    facts = Lesson.objects.filter(course__status=CourseStatus.PUBLISHED).aggregate(
        count=Count("id"), lesson_changed=Max("updated_at"), course_changed=Max("course__updated_at")
    )
    return f"{facts['count']}:{facts['lesson_changed']}:{facts['course_changed']}"


def readable_course_ids(user_id: uuid.UUID | None) -> frozenset[uuid.UUID] | None:
    """Courses whose lessons the offline assistant may quote to `user_id`: every free published course, plus the
    courses they are enrolled in (not revoked) or teach; platform admins may read all (None). Nobody signed in
    gets the free courses only. A paid course's lessons are never quoted to someone who has not bought it."""
    from azora.accounts.public import user_has_platform_role
    from azora.education.models import Course, CourseStatus
    from azora.education.selectors.recommendations import course_ids_enrolled_or_taught

    free = Course.objects.filter(status=CourseStatus.PUBLISHED, is_paid=False).values_list("pk", flat=True)
    if user_id is None:
        return frozenset(free)
    if user_has_platform_role(user_id=user_id, role="platform_admin"):
        return None
    return frozenset(free) | frozenset(course_ids_enrolled_or_taught(user_id=user_id))
