"""Runs the tutoring evaluation through the real pipeline (`agents.public.message_send`) on the current database.

What a run does (docs/ai-quality.md):
1. loads the accounts and education demo data when the demo courses are missing (idempotent loaders);
2. creates evaluation learners (unusable passwords, `evaluation-<stamp>-<n>@evaluation.azora.local`), at most
   `CASES_PER_LEARNER` cases each so that no learner reaches the FREE plan's monthly question allowance; each gives
   the oversight consent and is enrolled in the case's course (learners of cases without a course in
   `GENERAL_COURSES`); a learner of integrity cases also opens a real attempt of the course's quiz first;
3. asks each case in a new conversation (about its course), streamed or not, timing it, and reads back what was
   stored; cited passages come from `education.public.lesson_passages`, the right answers of the open quiz from
   `education.public.questions_of_course` as the course's instructor sees them;
4. scores the outcomes (`scoring.py`).

It writes what a learner's use would write (users, enrolments, attempts, conversations, usage records): run it on
a development or scratch database, never in production (the command refuses there).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

import azora.education.public as education
from azora.agents import public as agents
from azora.agents.evaluation import scoring
from azora.agents.evaluation.scoring import Case, Citation, Outcome
from azora.shared import demo
from azora.shared.errors import DomainError

CASES_PER_LEARNER = 8  # below the FREE plan's 10 questions a month
DEMO_LOADERS = ["accounts", "education"]
# Learners of cases without a course are enrolled where the demo learner is, plus credit (FREE allows 5 a month).
GENERAL_COURSES = (
    "personal-budgeting",
    "python-basics",
    "sa-constitution-introduction",
    "staying-safe-online",
    "credit-and-debt",
)
ENROLMENT_SOURCE = "evaluation"
EMAIL_DOMAIN = "evaluation.azora.local"


def message_max_chars() -> int:
    """The configured message limit (AZORA_AGENTS_MESSAGE_MAX_CHARS), for the oversize case."""
    return int(getattr(settings, "AZORA_AGENTS_MESSAGE_MAX_CHARS", 4000))


@dataclass
class Learner:
    user_id: uuid.UUID
    course: str | None
    attempt_id: uuid.UUID | None = None


@dataclass
class Context:
    """What the run knows about the demo catalogue: course ids, cited passages and the quizzes' right answers."""

    course_ids: dict[str, uuid.UUID]
    passages: dict[str, list[str]]  # lesson URL -> its passages (title and text)
    answer_keys: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    answer_keys_loaded: set[str] = field(default_factory=set)


# --- Preparing ----------------------------------------------------------------------------------------------------


def demo_data_ensure(slugs: Iterable[str]) -> bool:
    """Loads the accounts and education demo data when a wanted demo course is missing; True when it loaded."""
    for slug in sorted(set(slugs)):
        try:
            education.course_detail(slug=slug, viewer_id=None)
        except DomainError:
            demo.load_demo_data(only=DEMO_LOADERS)
            return True
    return False


def context_build(slugs: Iterable[str]) -> Context:
    course_ids = {slug: education.course_detail(slug=slug, viewer_id=None).id for slug in sorted(set(slugs))}
    passages: dict[str, list[str]] = {}
    for passage in education.lesson_passages():
        passages.setdefault(passage.url, []).append(f"{passage.title}\n{passage.text}")
    return Context(course_ids=course_ids, passages=passages)


def answer_keys_load(context: Context, slug: str) -> None:
    """The right answers of the course's quiz questions, read as the course's first instructor."""
    course_id = context.course_ids[slug]
    facts = education.course_facts(course_id=course_id)
    instructor_id = facts.instructor_ids[0] if facts.instructor_ids else facts.created_by_id
    for question in education.questions_of_course(course_id=course_id, user_id=instructor_id):
        context.answer_keys[(slug, question.prompt)] = (question.kind, dict(question.definition))


def learner_create(stamp: str, number: int) -> uuid.UUID:
    email = f"evaluation-{stamp}-{number}@{EMAIL_DOMAIN}"
    user = get_user_model().objects.create_user(email=email, password=None, display_name=f"Evaluation learner {number}")
    user_id: uuid.UUID = user.pk
    agents.oversight_consent_give(user_id=user_id)
    return user_id


def learners_for(cases: Sequence[Case], context: Context, *, stamp: str) -> tuple[dict[str, Learner], dict[str, str]]:
    """A learner for each case (case id -> learner), and the cases whose set-up failed (case id -> why)."""
    groups: dict[tuple[bool, str | None], list[Case]] = {}
    for case in cases:
        groups.setdefault((case.kind == "integrity", case.course), []).append(case)
    assigned: dict[str, Learner] = {}
    problems: dict[str, str] = {}
    number = 0
    for (is_integrity, course), members in groups.items():
        for start in range(0, len(members), CASES_PER_LEARNER):
            chunk = members[start : start + CASES_PER_LEARNER]
            number += 1
            learner = Learner(user_id=learner_create(stamp, number), course=course)
            try:
                for slug in (course,) if course else GENERAL_COURSES:
                    if slug not in context.course_ids:
                        context.course_ids[slug] = education.course_detail(slug=slug, viewer_id=None).id
                    education.enrollment_create(
                        course_id=context.course_ids[slug], user_id=learner.user_id, source=ENROLMENT_SOURCE
                    )
                if is_integrity and course:
                    learner.attempt_id = attempt_open(context, course=course, user_id=learner.user_id)
            except (DomainError, LookupError) as error:
                problems.update({case.id: f"set-up failed: {type(error).__name__}: {error}" for case in chunk})
                continue
            assigned.update({case.id: learner for case in chunk})
    return assigned, problems


def attempt_open(context: Context, *, course: str, user_id: uuid.UUID) -> uuid.UUID:
    """Starts (or resumes) the learner's attempt of the course's first quiz, so that its questions are open."""
    course_id = context.course_ids[course]
    assessments = education.assessments_of_course(course_id=course_id, user_id=user_id)
    if not assessments:
        raise LookupError(f"the course {course} has no quiz")
    attempt = education.attempt_start(assessment_id=assessments[0].id, user_id=user_id)
    if course not in context.answer_keys_loaded:
        answer_keys_load(context, course)
        context.answer_keys_loaded.add(course)
    return attempt.id


# --- Asking -------------------------------------------------------------------------------------------------------


def _text_of(case: Case) -> str:
    return "x" * (message_max_chars() + 1) if case.oversize else case.question


def _written(conversation_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=user_id)
    return bool(detail.messages) or detail.conversation.message_count > 0


def ask(case: Case, learner: Learner, context: Context, *, stream: bool = False) -> Outcome:
    """One case through the pipeline in a new conversation; never raises for the pipeline's own failures."""
    course_id = context.course_ids.get(case.course) if case.course else None
    leak: tuple[str, ...] = ()
    if case.kind == "integrity":
        key = context.answer_keys.get((str(case.course), str(case.quiz_question)))
        if key is None:
            return Outcome(case_id=case.id, problem=f"quiz question not found in {case.course}: {case.quiz_question}")
        leak = scoring.leak_terms(*key)
        open_prompts = {q.prompt for q in education.open_attempt_questions(user_id=learner.user_id)}
        if case.quiz_question not in open_prompts:
            return Outcome(case_id=case.id, problem="the quiz question is not in the learner's open attempt")
    conversation = agents.conversation_start(user_id=learner.user_id, course_id=course_id)
    text = _text_of(case)
    first_token_ms: float | None = None
    started = time.perf_counter()
    try:
        if stream:
            reply = agents.message_stream(
                conversation_id=conversation.id, user_id=learner.user_id, text=text, request_id=f"evaluation:{case.id}"
            )
            for _chunk in reply:
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - started) * 1000
            if reply.result is None:
                return Outcome(case_id=case.id, problem="the stream ended without a stored exchange")
            exchange = reply.result
        else:
            exchange = agents.message_send(
                conversation_id=conversation.id, user_id=learner.user_id, text=text, request_id=f"evaluation:{case.id}"
            )
    except DomainError as error:
        wall_ms = (time.perf_counter() - started) * 1000
        return Outcome(
            case_id=case.id,
            error=str(error.code),
            written=_written(conversation.id, learner.user_id),
            wall_ms=wall_ms,
        )
    wall_ms = (time.perf_counter() - started) * 1000
    answer = exchange.answer
    citations = tuple(Citation(title=c.title, url=c.url) for c in answer.citations)
    passages = tuple(text for c in citations for text in context.passages.get(c.url, ()))
    stored_first = float(answer.first_token_ms) if answer.first_token_ms is not None else None
    return Outcome(
        case_id=case.id,
        status=answer.status,
        agent=answer.agent_slug,
        intent=answer.routing.intent if answer.routing else "",
        answer=answer.content,
        citations=citations,
        passages=passages,
        leak_terms=leak,
        written=True,
        wall_ms=wall_ms,
        first_token_ms=first_token_ms if stream else stored_first,
        latency_ms=float(answer.latency_ms) if answer.latency_ms is not None else None,
    )


WARM_UP_QUESTION = "What is a budget?"


def warm_up(*, stamp: str) -> float:
    """One question through the whole pipeline by a learner of its own, not scored, so that the first case is not
    timed loading the constitution's models and the offline index (seconds it took)."""
    started = time.perf_counter()
    user_id = learner_create(stamp, 0)
    conversation = agents.conversation_start(user_id=user_id)
    with contextlib.suppress(DomainError):  # not scored: the cases will show what fails
        agents.message_send(
            conversation_id=conversation.id, user_id=user_id, text=WARM_UP_QUESTION, request_id="evaluation:warm-up"
        )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Run:
    report: scoring.Report
    started_at: datetime
    seconds: float
    demo_loaded: bool
    stream: bool
    warm_up_seconds: float


def evaluate(
    cases: Sequence[Case],
    *,
    stream: bool = False,
    progress: Callable[[Case, Outcome], None] | None = None,
) -> Run:
    """Runs `cases` through the pipeline and scores them."""
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    slugs = {case.course for case in cases if case.course}
    general = set(GENERAL_COURSES) if any(case.course is None for case in cases) else set()
    demo_loaded = demo_data_ensure(slugs | general)
    context = context_build(slugs | general)
    stamp = started_at.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:4]
    learners, problems = learners_for(cases, context, stamp=stamp)
    warm_up_seconds = warm_up(stamp=stamp)
    scores = []
    for case in cases:
        learner = learners.get(case.id)
        if learner is None:
            outcome = Outcome(case_id=case.id, problem=problems.get(case.id, "no learner"))
        else:
            try:
                outcome = ask(case, learner, context, stream=stream)
            except (DomainError, LookupError) as error:
                outcome = Outcome(case_id=case.id, problem=f"{type(error).__name__}: {error}")
        if progress is not None:
            progress(case, outcome)
        scores.append(scoring.score_case(case, outcome))
    return Run(
        report=scoring.summarise(scores),
        started_at=started_at,
        seconds=time.perf_counter() - clock,
        demo_loaded=demo_loaded,
        stream=stream,
        warm_up_seconds=warm_up_seconds,
    )
