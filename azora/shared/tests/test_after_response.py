"""after_response: work a request queues runs once its response (whole or streamed) has been sent, once per
callable, and a failing piece of work is logged without touching the response or the work after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import path

from azora.shared.after_response import after_response, deferred

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]  # the edge reads its IP rules
events: list[str] = []


def note_work() -> None:
    events.append("work")


def failing_work() -> None:
    raise RuntimeError("the seal job will do it")


def whole(request: HttpRequest) -> HttpResponse:
    after_response(note_work)
    after_response(note_work)  # the same callable again: still once
    events.append("view returns")
    return HttpResponse("done")


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    def body() -> Iterator[str]:
        events.append("first chunk")
        yield "a"
        after_response(note_work)  # queued while the body is being sent, as a streamed chat's last decision is
        events.append("last chunk")
        yield "b"

    return StreamingHttpResponse(body())


def nested(request: HttpRequest) -> HttpResponse:
    with deferred():
        after_response(failing_work)
        events.append("block ends")
    after_response(note_work)  # the request's own queue again
    events.append("view returns")
    return HttpResponse("done")


def failing(request: HttpRequest) -> HttpResponse:
    after_response(failing_work)
    after_response(note_work)
    return HttpResponse("still fine")


urlpatterns = [path("whole", whole), path("streamed", streamed), path("failing", failing), path("nested", nested)]


@pytest.fixture(autouse=True)
def _no_events() -> None:
    events.clear()


def test_outside_a_request_the_work_runs_at_once() -> None:
    after_response(note_work)
    assert events == ["work"]


def test_a_whole_response_runs_its_work_once_after_the_view() -> None:
    response = Client().get("/whole")
    assert (response.status_code, response.content) == (200, b"done")
    assert events == ["view returns", "work"]


def test_a_streamed_response_runs_its_work_after_the_last_chunk() -> None:
    response = Client().get("/streamed")
    assert events == []  # the view has returned; nothing of the body has been sent yet
    assert b"".join(response.streaming_content) == b"ab"  # type: ignore[attr-defined]
    response.close()  # what the web server does after the last byte
    assert events == ["first chunk", "last chunk", "work"]


def test_failing_work_is_logged_and_the_rest_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    response = Client().get("/failing")
    assert (response.status_code, response.content) == (200, b"still fine")
    assert events == ["work"]
    assert "after_response_failed" in caplog.text


def test_deferred_holds_the_work_until_the_block_ends() -> None:
    with deferred():
        after_response(note_work)
        events.append("block ends")
    assert events == ["block ends", "work"]
    after_response(note_work)  # and outside it again, at once
    assert events == ["block ends", "work", "work"]


def test_deferred_inside_a_request_gives_the_request_its_queue_back(caplog: pytest.LogCaptureFixture) -> None:
    assert Client().get("/nested").status_code == 200
    assert events == ["block ends", "view returns", "work"]
    assert "after_response_failed" in caplog.text  # the block's own work ran (and failed) as the block ended


def test_throttled_work_is_queued_at_most_once_per_interval_in_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from azora.shared import after_response as module

    clock = [100.0]
    monkeypatch.setattr(module, "_last_queued", {})
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    def three_requests() -> None:
        for _ in range(3):
            with deferred():
                after_response(note_work, at_most_every=1.0)
            clock[0] += 0.4

    three_requests()  # at 100.0, 100.4 and 100.8: the first request runs it, the next two leave it
    assert events == ["work"]
    three_requests()  # at 101.2 (1.2 s after), 101.6 and 102.0 (0.8 s after 101.2): once more
    assert events == ["work", "work"]
    after_response(note_work, at_most_every=1.0)  # outside a request: at once, whatever the interval
    assert events == ["work", "work", "work"]
