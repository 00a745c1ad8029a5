"""The monthly question allowance under concurrency (issue 7, gap 3): the check and the count are one atomic step
under a row lock on the learner's QuestionAllowance row, so two concurrent questions cannot both take the last slot.
Also: the slot is given back when the answer is stored, unavailable, interrupted or abandoned; nothing is written
for a refused question; a stale reservation is forgotten."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from azora.agents import public as agents
from azora.agents.errors import QuestionLimitReached
from azora.agents.models import Conversation, Message, QuestionAllowance
from azora.agents.services.allowance import STALE_AFTER, QuestionReservation, question_reserve
from azora.agents.tests.core.conftest import Classroom, nothing_written, offline_provider_off, thread
from azora.agents.tests.factories import MessageFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between two connections: PostgreSQL (SQLite serialises)"
)


def answered(conversation_id: uuid.UUID, count: int) -> None:
    """`count` answered questions this month (each with its answer)."""
    conversation = Conversation.objects.get(id=conversation_id)
    for _ in range(count):
        MessageFactory(conversation=conversation, role="user", status="complete")
        MessageFactory(conversation=conversation, role="assistant", status="complete")


def in_flight(user_id: uuid.UUID) -> list[int]:
    return list(QuestionAllowance.objects.filter(user_id=user_id).values_list("in_flight", flat=True))


def in_thread(target: object, results: list[object], *args: object) -> threading.Thread:
    """Run `target(*args)` on its own database connection; its return value or exception goes to `results`."""

    def body() -> None:
        try:
            results.append(target(*args))  # type: ignore[operator]
        except Exception as error:  # the test inspects it
            results.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=body)


# --- Concurrency (PostgreSQL, real transactions) --------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_questions_at_the_last_slot_exactly_one_is_answered(
    room: Classroom,
) -> None:
    first, second = thread(room), thread(room)
    answered(first, 9)  # FREE: 10 a month, 9 used
    start = threading.Barrier(2)
    results: list[object] = []

    def ask(conversation_id: uuid.UUID) -> object:
        start.wait()
        return agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")

    workers = [in_thread(ask, results, first), in_thread(ask, results, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    refused = [result for result in results if isinstance(result, QuestionLimitReached)]
    passed = [result for result in results if not isinstance(result, Exception)]
    assert (len(passed), len(refused)) == (1, 1), results
    assert refused[0].extra == {"limit": 10, "used": 10, "plan": "free"}
    admitted = passed[0]
    assert isinstance(admitted, agents.ExchangeResult)
    assert admitted.answer.status == "complete"
    assert agents.questions_used_this_month(user_id=room.learner.id) == 10
    assert Message.objects.filter(conversation__user_id=room.learner.id, role="user").count() == 10
    assert in_flight(room.learner.id) == [0]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_second_question_waits_on_the_row_lock_then_is_refused(room: Classroom) -> None:
    # Deterministic: the first question holds its reservation open; the second is seen waiting on a lock in
    # pg_stat_activity; once the first commits, the second reads 9 answered + 1 in flight and is refused.
    answered(thread(room), 9)
    reserved = threading.Event()
    release = threading.Event()
    pids: dict[str, int] = {}
    results: list[object] = []

    def hold() -> QuestionReservation:
        with transaction.atomic():
            reservation = question_reserve(user_id=room.learner.id)
            reserved.set()
            release.wait()
        return reservation

    def second() -> QuestionReservation:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids["second"] = cursor.fetchone()[0]
        return question_reserve(user_id=room.learner.id)

    holder = in_thread(hold, results)
    holder.start()
    reserved.wait()
    waiter = in_thread(second, results)
    waiter.start()
    waiting = False
    with connections["default"].cursor() as cursor:
        for _ in range(10_000):  # until the second backend waits on the first one's lock (bounded, not timed)
            if "second" in pids:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids["second"]])
                row = cursor.fetchone()
                if row is not None and row[0] == "Lock":
                    waiting = True
                    break
            if not waiter.is_alive():
                break
            threading.Event().wait(0.005)
    release.set()
    holder.join()
    waiter.join()
    assert waiting is True
    assert isinstance(results[0], QuestionReservation)
    assert isinstance(results[1], QuestionLimitReached)
    assert results[1].extra == {"limit": 10, "used": 10, "plan": "free"}
    assert in_flight(room.learner.id) == [1]  # the held reservation, never released by this test


# --- The slot's life (both databases) ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stored_answer_gives_its_slot_back_and_is_counted_from_its_message(room: Classroom) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert exchange.answer.status == "complete"
    assert in_flight(room.learner.id) == [0]
    assert agents.questions_used_this_month(user_id=room.learner.id) == 1


@pytest.mark.django_db
def test_a_refused_question_writes_nothing_not_even_the_allowance_row(room: Classroom) -> None:
    conversation_id = thread(room)
    answered(conversation_id, 10)
    before = (*nothing_written(), QuestionAllowance.objects.count())
    with pytest.raises(QuestionLimitReached) as raised:
        agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert raised.value.extra == {"limit": 10, "used": 10, "plan": "free"}
    assert (*nothing_written(), QuestionAllowance.objects.count()) == before == (*before[:3], 0)


@pytest.mark.django_db
def test_a_question_being_answered_holds_the_last_slot(room: Classroom) -> None:
    conversation_id = thread(room)
    answered(conversation_id, 9)
    stream = agents.message_stream(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert in_flight(room.learner.id) == [1]
    with pytest.raises(QuestionLimitReached) as raised:
        agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is chlorophyll?")
    assert raised.value.extra == {"limit": 10, "used": 10, "plan": "free"}
    assert "".join(stream)
    assert stream.result is not None
    assert stream.result.answer.status == "complete"
    assert in_flight(room.learner.id) == [0]
    assert agents.questions_used_this_month(user_id=room.learner.id) == 10


@pytest.mark.django_db
def test_a_stream_closed_early_gives_its_slot_back_and_counts_nothing(room: Classroom) -> None:
    conversation_id = thread(room)
    answered(conversation_id, 9)
    stream = agents.message_stream(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    next(stream)
    stream.close()
    assert in_flight(room.learner.id) == [0]
    assert agents.questions_used_this_month(user_id=room.learner.id) == 9
    exchange = agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert exchange.answer.status == "complete"


@pytest.mark.django_db
def test_an_unavailable_answer_gives_its_slot_back_and_does_not_count(room: Classroom) -> None:
    conversation_id = thread(room)
    answered(conversation_id, 9)
    offline_provider_off()
    exchange = agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert exchange.answer.status == "unavailable"
    assert in_flight(room.learner.id) == [0]
    assert agents.questions_used_this_month(user_id=room.learner.id) == 9


@pytest.mark.django_db
def test_a_stale_reservation_is_forgotten(room: Classroom) -> None:
    answered(thread(room), 9)
    now = timezone.now()
    question_reserve(user_id=room.learner.id, now=now)  # never released: a process killed mid-answer
    with pytest.raises(QuestionLimitReached):
        question_reserve(user_id=room.learner.id, now=now + STALE_AFTER - timedelta(seconds=1))
    later = question_reserve(user_id=room.learner.id, now=now + STALE_AFTER)
    assert (later.limit, later.used, later.plan_code) == (10, 9, "free")
    assert in_flight(room.learner.id) == [1]
