"""The pure rules of placement: which item to ask next, when to stop, a level per subject, and the learning path.

Plain frozen dataclasses in and out; no database, no clock, no settings. The same pool, seed and answers always
give the same next item (ties are broken by a hash of the seed, never by `random`).

The diagnostic is a staircase per subject:
- the next item is in the subject with the least evidence so far (fewest answers; ties by the seeded order);
- a subject starts at intermediate; after a right answer its next item is one level up, after a wrong one one
  level down (clamped to beginner..expert); when the bank has no item at that level, the nearest level is used
  (the lower one on a tie);
- a subject's estimate is the highest level at which the learner answered at least half of the items well,
  beginner when there is none; it is *stable* once the subject has two answers and its last answer did not change
  it, or when the subject has no items left to ask;
- the diagnostic stops at `max_items`, when the pool runs out, or from `min_items` on once every subject is stable.
  From `min_items` on, only subjects that are not yet stable are asked.

The learning path picks, per subject, the courses at the estimated level (the nearest level when there are none,
the lower one on a tie; never a course already completed), at most MAX_COURSES_PER_SUBJECT of them, each preceded by
its prerequisites (not yet completed, each once), and explains each with a reason (`Reason`), rendered by
`reason_text` in the active language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "MAX_COURSES_PER_SUBJECT",
    "START_LEVEL",
    "Answered",
    "CourseFacts",
    "Item",
    "Limits",
    "PathEntry",
    "Reason",
    "SubjectEvidence",
    "estimate",
    "estimates",
    "evidence",
    "learning_path",
    "next_item",
    "planned_max",
    "reason_text",
    "subject_is_stable",
]

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced", "expert")
START_LEVEL = "intermediate"
LEVEL_LABELS: Mapping[str, Any] = {
    "beginner": gettext_lazy("beginner"),
    "intermediate": gettext_lazy("intermediate"),
    "advanced": gettext_lazy("advanced"),
    "expert": gettext_lazy("expert"),
}
MAX_COURSES_PER_SUBJECT = 2


def _index(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def _clamp(index: int) -> int:
    return max(0, min(len(LEVELS) - 1, index))


def _rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Item:
    """A question the diagnostic may ask."""

    question_id: str
    subject: str
    level: str


@dataclass(frozen=True, slots=True)
class Answered:
    """A question asked, and whether the learner answered it well (full credit)."""

    question_id: str
    subject: str
    level: str
    is_correct: bool


@dataclass(frozen=True, slots=True)
class Limits:
    min_items: int
    max_items: int


def planned_max(pool: Sequence[Item], limits: Limits) -> int:
    """The most items this diagnostic can ask: the limit, or fewer when the banks hold fewer questions."""
    return min(limits.max_items, len({item.question_id for item in pool}))


# --- Estimates ---


def estimate(answers: Sequence[Answered]) -> str:
    """The highest level at which at least half of the answers are right; beginner when there is none."""
    asked = [0] * len(LEVELS)
    right = [0] * len(LEVELS)
    for answer in answers:
        index = _index(answer.level)
        asked[index] += 1
        right[index] += int(answer.is_correct)
    best = 0
    for index in range(len(LEVELS)):
        if asked[index] and right[index] * 2 >= asked[index]:
            best = index
    return LEVELS[best]


def _by_subject(answered: Iterable[Answered]) -> dict[str, list[Answered]]:
    grouped: dict[str, list[Answered]] = {}
    for answer in answered:
        grouped.setdefault(answer.subject, []).append(answer)
    return grouped


def estimates(answered: Sequence[Answered]) -> dict[str, str]:
    """A level per subject that has answers."""
    return {subject: estimate(answers) for subject, answers in sorted(_by_subject(answered).items())}


def subject_is_stable(answers: Sequence[Answered], *, items_left: int) -> bool:
    if items_left == 0:
        return True
    return len(answers) >= 2 and estimate(answers[:-1]) == estimate(answers)


def _target(answers: Sequence[Answered]) -> int:
    if not answers:
        return _index(START_LEVEL)
    last = answers[-1]
    return _clamp(_index(last.level) + (1 if last.is_correct else -1))


def next_item(*, pool: Sequence[Item], answered: Sequence[Answered], seed: int, limits: Limits) -> Item | None:
    """The item to ask next, or None when the diagnostic is over (see the module's rules)."""
    if len(answered) >= limits.max_items:
        return None
    asked = {answer.question_id for answer in answered}
    remaining: dict[str, list[Item]] = {}
    seen: set[str] = set()
    for item in pool:
        if item.question_id in asked or item.question_id in seen:
            continue
        seen.add(item.question_id)
        remaining.setdefault(item.subject, []).append(item)
    if not remaining:
        return None
    by_subject = _by_subject(answered)
    candidates = sorted(remaining)
    if len(answered) >= limits.min_items:
        candidates = [
            subject
            for subject in candidates
            if not subject_is_stable(by_subject.get(subject, []), items_left=len(remaining[subject]))
        ]
        if not candidates:
            return None
    subject = min(candidates, key=lambda s: (len(by_subject.get(s, [])), _rank(seed, s)))
    target = _target(by_subject.get(subject, []))
    return min(
        remaining[subject],
        key=lambda item: (abs(_index(item.level) - target), _index(item.level), _rank(seed, item.question_id)),
    )


# --- Evidence and the learning path ---


@dataclass(frozen=True, slots=True)
class SubjectEvidence:
    """What the diagnostic learnt of a subject: the estimate, and right/asked at that level and overall."""

    subject: str
    level: str
    right_at_level: int
    asked_at_level: int
    right: int
    asked: int


def evidence(answered: Sequence[Answered]) -> dict[str, SubjectEvidence]:
    result = {}
    for subject, answers in sorted(_by_subject(answered).items()):
        level = estimate(answers)
        at_level = [answer for answer in answers if answer.level == level]
        result[subject] = SubjectEvidence(
            subject=subject,
            level=level,
            right_at_level=sum(1 for answer in at_level if answer.is_correct),
            asked_at_level=len(at_level),
            right=sum(1 for answer in answers if answer.is_correct),
            asked=len(answers),
        )
    return result


@dataclass(frozen=True, slots=True)
class CourseFacts:
    course_id: str
    title: str
    subject: str
    level: str
    prerequisite_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a course is on the path. `code`: level (at the estimated level), nearest (no course at that level),
    foundation (the estimate is beginner and nothing there was answered well), prerequisite (another course of
    the path builds on it), no_evidence (no placement questions for the subject). `args` are the numbers and
    names the sentence needs (course titles are filled in when rendered: `course` and, for prerequisites, `next`)."""

    code: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PathEntry:
    course_id: str
    subject: str
    level: str
    reason: Reason


def _nearest_courses(courses: Sequence[CourseFacts], level: str) -> list[CourseFacts]:
    if not courses:
        return []
    target = _index(level)
    best = min(courses, key=lambda c: (abs(_index(c.level) - target), _index(c.level))).level
    chosen = [course for course in courses if course.level == best]
    return sorted(chosen, key=lambda c: (len(c.prerequisite_ids), c.title, c.course_id))[:MAX_COURSES_PER_SUBJECT]


def _subject_reason(found: SubjectEvidence | None, subject: str, course: CourseFacts) -> Reason:
    if found is None:
        return Reason("no_evidence", {"subject": subject})
    args = {
        "subject": subject,
        "level": found.level,
        "right": found.right_at_level,
        "asked": found.asked_at_level,
        "course_level": course.level,
    }
    if course.level != found.level:
        return Reason("nearest", args)
    if found.level == LEVELS[0] and found.right_at_level == 0:
        return Reason("foundation", {**args, "right": found.right, "asked": found.asked})
    return Reason("level", args)


def learning_path(
    *,
    found: Mapping[str, SubjectEvidence],
    courses: Sequence[CourseFacts],
    completed: Collection[str] = (),
) -> list[PathEntry]:
    """The ordered path: subjects from the lowest estimate up (then by subject), each subject's chosen courses with
    their prerequisites first. With no evidence at all, every subject's beginner courses (`no_evidence`)."""
    by_id = {course.course_id: course for course in courses}
    open_courses = [course for course in courses if course.course_id not in completed and course.subject]
    by_subject: dict[str, list[CourseFacts]] = {}
    for course in open_courses:
        by_subject.setdefault(course.subject, []).append(course)
    if found:
        subjects = sorted(found, key=lambda s: (_index(found[s].level), s))
        levels = {subject: found[subject].level for subject in subjects}
    else:
        subjects = sorted(by_subject)
        levels = dict.fromkeys(subjects, LEVELS[0])
    path: list[PathEntry] = []
    placed: set[str] = set()

    def place_prerequisites(course: CourseFacts, trail: tuple[str, ...]) -> None:
        for prerequisite_id in course.prerequisite_ids:
            prerequisite = by_id.get(prerequisite_id)
            if prerequisite is None or prerequisite_id in placed or prerequisite_id in completed:
                continue
            if prerequisite_id in trail:  # a cycle the catalogue should never hold: stop rather than loop
                continue
            place_prerequisites(prerequisite, (*trail, prerequisite_id))
            placed.add(prerequisite_id)
            path.append(
                PathEntry(
                    course_id=prerequisite_id,
                    subject=prerequisite.subject,
                    level=prerequisite.level,
                    reason=Reason("prerequisite", {"next_id": course.course_id}),
                )
            )

    for subject in subjects:
        for course in _nearest_courses(by_subject.get(subject, []), levels[subject]):
            if course.course_id in placed:
                continue
            place_prerequisites(course, (course.course_id,))
            placed.add(course.course_id)
            path.append(
                PathEntry(
                    course_id=course.course_id,
                    subject=subject,
                    level=course.level,
                    reason=_subject_reason(found.get(subject), subject, course),
                )
            )
    return path


def _level(level: Any) -> str:
    return str(LEVEL_LABELS.get(str(level), level))


def reason_text(reason: Reason, *, course: str, subject_name: str = "", next_course: str = "") -> str:
    """The reason as one sentence in the active language; `course` (and `next_course`) are titles."""
    args = reason.args
    subject = subject_name or str(args.get("subject", ""))
    if reason.code == "prerequisite":
        return gettext("Take “%(course)s” first: “%(next)s” builds on it.") % {"course": course, "next": next_course}
    if reason.code == "no_evidence":
        return gettext(
            "There are no placement questions on %(subject)s yet, so start at the beginning with “%(course)s”."
        ) % {
            "subject": subject,
            "course": course,
        }
    asked = int(args.get("asked", 0))
    values = {
        "right": args.get("right", 0),
        "asked": asked,
        "level": _level(args.get("level", "")),
        "course_level": _level(args.get("course_level", "")),
        "subject": subject,
        "course": course,
    }
    if reason.code == "foundation":
        return (
            ngettext(
                "You answered %(right)s of %(asked)s question on %(subject)s well, so start at the beginning with "
                "“%(course)s”.",
                "You answered %(right)s of %(asked)s questions on %(subject)s well, so start at the beginning with "
                "“%(course)s”.",
                asked,
            )
            % values
        )
    if reason.code == "nearest":
        return (
            ngettext(
                "You answered %(right)s of %(asked)s %(level)s question on %(subject)s well, and the nearest course "
                "to that level is the %(course_level)s “%(course)s”, so start there.",
                "You answered %(right)s of %(asked)s %(level)s questions on %(subject)s well, and the nearest course "
                "to that level is the %(course_level)s “%(course)s”, so start there.",
                asked,
            )
            % values
        )
    return (
        ngettext(
            "You answered %(right)s of %(asked)s %(level)s question on %(subject)s well, so start with “%(course)s”.",
            "You answered %(right)s of %(asked)s %(level)s questions on %(subject)s well, so start with “%(course)s”.",
            asked,
        )
        % values
    )
