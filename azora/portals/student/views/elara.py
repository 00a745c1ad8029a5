"""Elara in the Student Portal: the lesson's chat panel, conversations with streamed answers, feedback, the one-time
oversight notice, the learner's memory, and the oversight of learners' conversations by their teachers.

The orchestrator decides everything (`azora.agents.public`): who answers and why, what is cited, whether a question
is allowed, what is stored. These views parse the form, call one public function and render. A question is asked
two ways with the same form: `elara.js` posts it with fetch to a `…/stream/` view that answers server-sent events
(`agent`, `delta`…, then `done` with the stored exchange rendered, or `error`); without JavaScript the form posts
to the plain view, which stores the exchange through `message_send` and redirects back to the conversation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

import azora.accounts.public as accounts
import azora.agents.public as agents
import azora.education.public as education
from azora.agents.errors import (
    ConsentRequired,
    MessageEmpty,
    MessageTooLong,
    QuestionLimitReached,
)
from azora.portals.student.views.common import (
    HtmxRequest,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound

CONVERSATIONS_PAGE_SIZE = 20
OVERSIGHT_PAGE_SIZE = 25
PANEL_MESSAGES = 6  # the lesson's panel shows the end of the conversation; the full page shows all of it
COURSE_TITLES_FROM_ENROLMENTS = 100

# Why a feedback says "not helpful" (the orchestrator's reasons, in the learner's words).
FEEDBACK_REASONS = (
    ("not_helpful", gettext_lazy("It did not help")),
    ("wrong", gettext_lazy("It is wrong or inaccurate")),
    ("unclear", gettext_lazy("It is unclear")),
    ("not_grounded", gettext_lazy("The lessons do not support it")),
    ("too_direct", gettext_lazy("It gave the answer away")),
    ("harmful", gettext_lazy("It is harmful or inappropriate")),
    ("other", gettext_lazy("Something else")),
)
FEEDBACK_REASON_LABELS = dict(FEEDBACK_REASONS)
MEMORY_KINDS = (
    ("goal", gettext_lazy("Goal")),
    ("difficulty", gettext_lazy("Something I find hard")),
    ("language", gettext_lazy("Language I prefer")),
)
MEMORY_KIND_LABELS = dict(MEMORY_KINDS)
MEMORY_SOURCE_LABELS = {
    "learner": gettext_lazy("You added it"),
    "conversation": gettext_lazy("Noticed in a conversation"),
    "onboarding": gettext_lazy("From your onboarding"),
}
MODES = (
    ("socratic", gettext_lazy("Guided: hints and questions that help me work it out")),
    ("direct", gettext_lazy("Direct: explain it to me outright (not for open quizzes)")),
)
MODE_LABELS = {"socratic": gettext_lazy("Guided"), "direct": gettext_lazy("Direct")}
STATUS_NOTES = {
    "hint": gettext_lazy(
        "A hint, not the answer: this question is part of an assessment you have open. "
        "Elara can explain it fully once you have submitted the attempt."
    ),
    "refused": gettext_lazy("Not answered: Azora's constitution does not allow this answer."),
    "interrupted": gettext_lazy("The answer was interrupted and not kept. Please ask again."),
    "unavailable": gettext_lazy("No answer right now. Your question was not counted against your allowance."),
}
INTENT_LABELS = {
    "tutoring": gettext_lazy("a question about your learning"),
    "money": gettext_lazy("a question about money and rewards"),
    "career": gettext_lazy("a question about work and careers"),
    "planning": gettext_lazy("a question about planning and motivation"),
    "study": gettext_lazy("a question about planning and motivation"),
    "history": gettext_lazy("a question about history and context"),
    "named": gettext_lazy("you asked for this agent by name"),
}


# --- Forms ---------------------------------------------------------------------------------------------------------


class AskForm(forms.Form):
    """The question. Empty and over-long texts are the orchestrator's to refuse (MessageEmpty, MessageTooLong)."""

    text = forms.CharField(
        label=gettext_lazy("Your question"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "elara-%s")
        super().__init__(*args, **kwargs)

    @property
    def text_value(self) -> str:
        return str(self.data.get("text", "")) if self.is_bound else ""


class NewConversationForm(forms.Form):
    course = forms.ChoiceField(label=gettext_lazy("About"), required=False)
    mode = forms.ChoiceField(
        label=gettext_lazy("How should Elara help?"), choices=MODES, initial="socratic", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, courses: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["course"]).choices = [("", _("No particular course")), *courses]


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=(("yes", "yes"), ("no", "no")))
    reason = forms.ChoiceField(label=gettext_lazy("Why not?"), choices=FEEDBACK_REASONS, required=False)
    comment = forms.CharField(label=gettext_lazy("Anything to add? (optional)"), max_length=1000, required=False)


class MemoryAddForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MEMORY_KINDS)
    text = forms.CharField(label=gettext_lazy("What Elara should remember"), max_length=300)


# --- What the templates show ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownMessage:
    """A message as the page shows it: citations that are safe links, and the sentences about it."""

    message: agents.MessageView
    citations: tuple[agents.CitationView, ...]
    routing_note: str
    status_note: str
    feedback_reason: str

    @property
    def id(self) -> uuid.UUID:
        return self.message.id

    @property
    def is_answer(self) -> bool:
        return self.message.role == "assistant"


def _is_safe_link(url: str) -> bool:
    """Citations become links only to our own pages or to http(s) addresses (never `javascript:` and the like)."""
    if url.startswith("/") and not url.startswith("//"):
        return True
    return url.startswith(("https://", "http://"))


def _routing_note(message: agents.MessageView) -> str:
    routing = message.routing
    if routing is None or message.role != "assistant":
        return ""
    intent = INTENT_LABELS.get(routing.intent, routing.intent.replace("_", " "))
    reasons = ", ".join(reason for reason in routing.reasons if reason)
    if reasons:
        return _("Why %(agent)s answered: %(intent)s (%(reasons)s).") % {
            "agent": message.agent_name or routing.agent_slug,
            "intent": intent,
            "reasons": reasons,
        }
    return _("Why %(agent)s answered: %(intent)s.") % {
        "agent": message.agent_name or routing.agent_slug,
        "intent": intent,
    }


def _shown(message: agents.MessageView) -> ShownMessage:
    feedback = message.feedback
    return ShownMessage(
        message=message,
        citations=tuple(citation for citation in message.citations if _is_safe_link(citation.url)),
        routing_note=_routing_note(message),
        status_note=str(STATUS_NOTES.get(message.status, "")) if message.role == "assistant" else "",
        feedback_reason=str(FEEDBACK_REASON_LABELS.get(feedback.reason, "")) if feedback else "",
    )


def _shown_all(messages: Sequence[agents.MessageView]) -> list[ShownMessage]:
    return [_shown(message) for message in messages]


def _error_text(error: DomainError) -> str:
    """The orchestrator's refusals in the learner's words; anything else says what the service said."""
    if isinstance(error, MessageEmpty):
        return _("Please write your question first.")
    if isinstance(error, MessageTooLong):
        limit = error.extra.get("limit")
        if limit:
            # xgettext:no-python-format
            return _("Your message is too long: please keep it to %(limit)s characters.") % {"limit": limit}
        return _("Your message is too long: please shorten it.")
    if isinstance(error, ConsentRequired):
        return _("Please read the notice about who can see your conversations, and accept it, before you ask.")
    if isinstance(error, QuestionLimitReached):
        limit = error.extra.get("limit")
        if limit is not None:
            return _(
                "You have asked your %(limit)s questions for this month on your plan. "
                "Your allowance starts again on the first of next month, or choose a bigger plan."
            ) % {"limit": limit}
        return _("You have used this month's questions on your plan.")
    return str(error.detail)


def _request_id(request: HttpRequest) -> str:
    return str(getattr(request, "request_id", "") or "")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _course_titles(user_id: uuid.UUID, course_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the courses the conversations are about: the learner's enrolments first, then each other course."""
    if not course_ids:
        return {}
    titles: dict[uuid.UUID, str] = {}
    for enrollment in education.enrollments_of(user_id=user_id, limit=COURSE_TITLES_FROM_ENROLMENTS).items:
        titles[enrollment.course.id] = enrollment.course.title
    for course_id in course_ids - titles.keys():  # courses the person teaches (rare): one read each
        try:
            titles[course_id] = education.course_facts(course_id=course_id).title
        except NotFound:
            titles[course_id] = ""
    return titles


def _course_title_and_slug(course_id: uuid.UUID | None) -> tuple[str, str]:
    """The title and address name of the course a conversation is about ("" for none, or a course since removed)."""
    if course_id is None:
        return "", ""
    try:
        facts = education.course_facts(course_id=course_id)
    except NotFound:
        return "", ""
    return facts.title, facts.slug


def _course_choices(user_id: uuid.UUID) -> list[tuple[str, str]]:
    enrollments = education.enrollments_of(user_id=user_id, limit=COURSE_TITLES_FROM_ENROLMENTS).items
    return [(str(enrollment.course.id), enrollment.course.title) for enrollment in enrollments]


# --- The learner's conversations -----------------------------------------------------------------------------------


@login_required
@require_GET
def conversation_list(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = agents.conversations_of(user_id=user_id, cursor=cursor, limit=CONVERSATIONS_PAGE_SIZE)
    except DomainError:  # a damaged cursor: the first page again
        cursor = None
        page = agents.conversations_of(user_id=user_id, limit=CONVERSATIONS_PAGE_SIZE)
    titles = _course_titles(user_id, {c.course_id for c in page.items if c.course_id})
    rows = [
        (
            conversation,
            titles.get(conversation.course_id, "") if conversation.course_id else "",
            MODE_LABELS.get(conversation.mode, conversation.mode),
        )
        for conversation in page.items
    ]
    context = {
        "rows": rows,
        "next_cursor": page.next_cursor,
        "is_more": bool(cursor),
        "form": NewConversationForm(courses=_course_choices(user_id)),
        "used": agents.questions_used_this_month(user_id=user_id),
        "may_oversee": bool(agents.oversight_conversations(viewer_id=user_id, limit=1).items),
    }
    partial = "conversation-rows" if request.htmx and cursor else None
    return render_page(request, "student/elara/conversations.html", context, partial=partial)


@login_required
@require_POST
@domain_errors_as_http
def conversation_new(request: HtmxRequest) -> HttpResponse:
    """A new thread (about one of the learner's courses, or none), then its page."""
    user_id = user_id_of(request)
    form = NewConversationForm(request.POST, courses=_course_choices(user_id))
    if not form.is_valid():
        raise Http404  # only a tampered form gets here: the choices are the learner's own courses
    course = form.cleaned_data["course"]
    conversation = agents.conversation_start(
        user_id=user_id, course_id=uuid.UUID(course) if course else None, mode=form.cleaned_data["mode"]
    )
    return redirect("student:elara_conversation", conversation_id=conversation.id)


def _conversation_page(
    request: HtmxRequest,
    detail: agents.ConversationDetail,
    *,
    form: AskForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    conversation = detail.conversation
    course_title, course_slug = _course_title_and_slug(conversation.course_id)
    context = {
        "conversation": conversation,
        "messages_shown": _shown_all(detail.messages),
        "course_title": course_title,
        "course_slug": course_slug,
        "consent_given": agents.oversight_consent_given(user_id=user_id),
        "form": form or AskForm(),
        "error": error,
        "send_url": reverse("student:elara_message", kwargs={"conversation_id": conversation.id}),
        "stream_url": reverse("student:elara_stream", kwargs={"conversation_id": conversation.id}),
        "mode_label": MODE_LABELS.get(conversation.mode, conversation.mode),
        "reasons": FEEDBACK_REASONS,
    }
    return render_page(request, "student/elara/conversation.html", context, status=status)


@login_required
@require_GET
@domain_errors_as_http
def conversation(request: HtmxRequest, conversation_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=user_id)
    if detail.conversation.user_id != user_id:  # an overseer reads it on the transcript page
        return redirect("student:elara_transcript", conversation_id=conversation_id)
    return _conversation_page(request, detail)


@login_required
@require_POST
@domain_errors_as_http
def message_post(request: HtmxRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """Ask without JavaScript: the exchange is stored, then back to the conversation (post/redirect/get)."""
    user_id = user_id_of(request)
    form = AskForm(request.POST)
    _accept_notice_if_asked(request, user_id)
    try:
        exchange = agents.message_send(
            conversation_id=conversation_id, user_id=user_id, text=form.text_value, request_id=_request_id(request)
        )
    except NotFound:
        raise
    except DomainError as error:
        detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=user_id)
        return _conversation_page(request, detail, form=form, error=_error_text(error), status=_status_of(error))
    url = reverse("student:elara_conversation", kwargs={"conversation_id": conversation_id})
    return redirect(f"{url}#message-{exchange.answer.id}")


def _accept_notice_if_asked(request: HttpRequest, user_id: uuid.UUID) -> None:
    """Without JavaScript, a question refused for want of consent comes back with the notice and one button that
    accepts it and asks again (`accept_notice=yes`)."""
    if request.POST.get("accept_notice") == "yes":
        agents.oversight_consent_give(user_id=user_id)


def _status_of(error: DomainError) -> int:
    return error.status if 400 <= error.status < 500 else 422


@login_required
@require_POST
@domain_errors_as_http
def ask(request: HtmxRequest) -> HttpResponse:
    """Ask from a lesson's panel without JavaScript: the first question starts a thread about the course.

    A refused question (empty, too long, no consent, no questions left) leaves no empty thread behind.
    """
    user_id = user_id_of(request)
    form = AskForm(request.POST)
    course_id = _uuid_or_none(request.POST.get("course_id"))
    _accept_notice_if_asked(request, user_id)
    try:
        with transaction.atomic():
            conversation = agents.conversation_start(user_id=user_id, course_id=course_id)
            exchange = agents.message_send(
                conversation_id=conversation.id, user_id=user_id, text=form.text_value, request_id=_request_id(request)
            )
    except NotFound:
        raise
    except DomainError as error:
        return _ask_page(request, course_id=course_id, form=form, error=_error_text(error), status=_status_of(error))
    url = reverse("student:elara_conversation", kwargs={"conversation_id": conversation.id})
    return redirect(f"{url}#message-{exchange.answer.id}")


def _ask_page(
    request: HtmxRequest, *, course_id: uuid.UUID | None, form: AskForm, error: str, status: int
) -> HttpResponse:
    """A refused first question: the question again, with the reason and (when missing) the notice to accept."""
    user_id = user_id_of(request)
    course_title = ""
    if course_id:
        course_title = education.course_detail_by_id(course_id=course_id, viewer_id=user_id).course.title
    context = {
        "course_id": course_id,
        "course_title": course_title,
        "form": form,
        "error": error,
        "consent_given": agents.oversight_consent_given(user_id=user_id),
        "next": _safe_next(request, reverse("student:elara")),
    }
    return render_page(request, "student/elara/ask.html", context, status=status)


def _uuid_or_none(value: object) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


# --- Streaming -----------------------------------------------------------------------------------------------------


def _sse(event: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _sse_response(body: Iterator[bytes], *, status: int = 200) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8", status=status)
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _sse_refusal(error: DomainError) -> StreamingHttpResponse:
    """A question refused before anything was stored: one `error` event, with the HTTP status of the problem."""
    payload = {"code": error.code, "detail": _error_text(error), "consent_required": isinstance(error, ConsentRequired)}
    return _sse_response(iter([_sse("error", payload)]), status=_status_of(error))


def _exchange_html(request: HttpRequest, exchange: agents.ExchangeResult) -> str:
    context = {
        "items": _shown_all((exchange.question, exchange.answer)),
        "reasons": FEEDBACK_REASONS,
        "conversation_id": exchange.answer.conversation_id,
    }
    return render_to_string("student/elara/_exchange.html", context, request=request)


def _stream_body(request: HttpRequest, stream: agents.ReplyStream, conversation_id: uuid.UUID) -> Iterator[bytes]:
    routing = stream.routing
    yield _sse(
        "agent",
        {
            "slug": stream.agent.slug,
            "name": stream.agent.name,
            "intent": routing.intent,
            "reasons": list(routing.reasons),
            "note": _("%(agent)s is answering…") % {"agent": stream.agent.name},
        },
    )
    try:
        try:
            for chunk in stream:
                if chunk:
                    yield _sse("delta", {"text": chunk})
        finally:
            stream.close()
    except DomainError as error:  # the contract raises before the first chunk; this is a safety net
        yield _sse("error", {"code": error.code, "detail": _error_text(error), "consent_required": False})
        return
    exchange = stream.result
    if exchange is None:
        yield _sse("error", {"code": "stream_incomplete", "detail": _("The answer was interrupted. Please ask again.")})
        return
    yield _sse(
        "done",
        {
            "conversation_id": str(conversation_id),
            "question_id": str(exchange.question.id),
            "answer_id": str(exchange.answer.id),
            "status": exchange.answer.status,
            "agent": exchange.answer.agent_name,
            "citations": [{"title": c.title, "url": c.url} for c in exchange.answer.citations if _is_safe_link(c.url)],
            "send_url": reverse("student:elara_message", kwargs={"conversation_id": conversation_id}),
            "stream_url": reverse("student:elara_stream", kwargs={"conversation_id": conversation_id}),
            "conversation_url": reverse("student:elara_conversation", kwargs={"conversation_id": conversation_id}),
            "html": _exchange_html(request, exchange),
        },
    )


@login_required
@require_POST
def message_post_stream(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponseBase:
    """Ask with JavaScript: the answer as server-sent events (`agent`, `delta`…, `done` or `error`)."""
    user_id = user_id_of(request)
    form = AskForm(request.POST)
    try:
        stream = agents.message_stream(
            conversation_id=conversation_id, user_id=user_id, text=form.text_value, request_id=_request_id(request)
        )
    except DomainError as error:
        return _sse_refusal(error)
    return _sse_response(_stream_body(request, stream, conversation_id))


@login_required
@require_POST
def ask_stream(request: HttpRequest) -> HttpResponseBase:
    """The lesson panel's first question, streamed: the thread about the course starts only if the question is
    accepted (a refused one leaves nothing behind)."""
    user_id = user_id_of(request)
    form = AskForm(request.POST)
    try:
        course_id = _uuid_or_none(request.POST.get("course_id"))
        with transaction.atomic():
            started = agents.conversation_start(user_id=user_id, course_id=course_id)
            stream = agents.message_stream(
                conversation_id=started.id, user_id=user_id, text=form.text_value, request_id=_request_id(request)
            )
    except Http404:
        return _sse_refusal(NotFound())
    except DomainError as error:
        return _sse_refusal(error)
    return _sse_response(_stream_body(request, stream, started.id))


# --- The lesson's panel --------------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors_as_http
def lesson_panel(request: HtmxRequest, lesson_id: uuid.UUID) -> HttpResponse:
    """The chat about the lesson's course: the notice first (once), then the latest thread's end and the form.

    The lesson page asks for it with HTMX once it has loaded (so the lesson itself, kept for offline reading, holds
    no conversation); without JavaScript the page's own form posts the question to `ask`.
    """
    user_id = user_id_of(request)
    lesson = education.lesson_for_learner(lesson_id=lesson_id, user_id=user_id)
    latest = agents.conversations_of(user_id=user_id, course_id=lesson.course_id, limit=1).items
    shown: list[ShownMessage] = []
    conversation_id: uuid.UUID | None = None
    if latest:
        conversation_id = latest[0].id
        detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=user_id)
        shown = _shown_all(detail.messages[-PANEL_MESSAGES:])
    lesson_url = reverse("student:lesson", kwargs={"lesson_id": lesson_id})
    context = {
        "lesson": lesson,
        "conversation_id": conversation_id,
        "messages_shown": shown,
        "consent_given": agents.oversight_consent_given(user_id=user_id),
        "form": AskForm(),
        "next": lesson_url,
        "reasons": FEEDBACK_REASONS,
    }
    if conversation_id:
        context["send_url"] = reverse("student:elara_message", kwargs={"conversation_id": conversation_id})
        context["stream_url"] = reverse("student:elara_stream", kwargs={"conversation_id": conversation_id})
        context["conversation_url"] = reverse("student:elara_conversation", kwargs={"conversation_id": conversation_id})
    else:
        context["send_url"] = reverse("student:elara_ask")
        context["stream_url"] = reverse("student:elara_ask_stream")
    return render_page(request, "student/elara/panel.html", context, partial="panel")


# --- Consent and feedback ------------------------------------------------------------------------------------------


@login_required
@require_POST
def consent(request: HtmxRequest) -> HttpResponse:
    """One click, once: the learner has read who can see their conversations and agrees."""
    agents.oversight_consent_give(user_id=user_id_of(request))
    flash.success(request, _("Thank you. You can ask Elara now."))
    return redirect(_safe_next(request, reverse("student:elara")))


@login_required
@require_POST
@domain_errors_as_http
def feedback(request: HtmxRequest, conversation_id: uuid.UUID, message_id: uuid.UUID) -> HttpResponse:
    """Helpful or not (with a reason) on one answer; HTMX redraws the box, a plain form goes back to the answer."""
    user_id = user_id_of(request)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose helpful or not helpful."), status=422, content_type="text/plain; charset=utf-8")
    is_helpful = form.cleaned_data["helpful"] == "yes"
    agents.feedback_give(
        message_id=message_id,
        user_id=user_id,
        is_helpful=is_helpful,
        reason="" if is_helpful else (form.cleaned_data["reason"] or "not_helpful"),
        comment="" if is_helpful else form.cleaned_data["comment"],
    )
    if request.htmx:
        detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=user_id)
        found = [message for message in detail.messages if message.id == message_id]
        if not found:
            raise Http404
        context = {
            "item": _shown(found[0]),
            "reasons": FEEDBACK_REASONS,
            "conversation_id": conversation_id,
            "just_saved": True,
        }
        return render_page(request, "student/elara/_feedback.html", context)
    flash.success(request, _("Thank you for your feedback."))
    back = reverse("student:elara_conversation", kwargs={"conversation_id": conversation_id})
    return redirect(_safe_next(request, f"{back}#message-{message_id}"))


# --- Memory --------------------------------------------------------------------------------------------------------


def _memory_page(request: HtmxRequest, *, form: MemoryAddForm | None = None, status: int = 200) -> HttpResponse:
    items = [
        (item, MEMORY_KIND_LABELS.get(item.kind, item.kind), MEMORY_SOURCE_LABELS.get(item.source, ""))
        for item in agents.memory_of(user_id=user_id_of(request))
    ]
    context = {"items": items, "form": form or MemoryAddForm()}
    return render_page(request, "student/elara/memory.html", context, status=status)


@login_required
def memory(request: HtmxRequest) -> HttpResponse:
    """What the agents remember about the learner (goals, difficulties, language); add a note, erase any of it."""
    if request.method == "POST":
        form = MemoryAddForm(request.POST)
        if not form.is_valid():
            return _memory_page(request, form=form, status=422)
        try:
            agents.memory_add(
                user_id=user_id_of(request), kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error("text", str(error.detail))
            return _memory_page(request, form=form, status=_status_of(error))
        flash.success(request, _("Elara will remember that."))
        return redirect("student:elara_memory")
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return _memory_page(request)


@login_required
@require_POST
@domain_errors_as_http
def memory_erase(request: HtmxRequest, item_id: uuid.UUID) -> HttpResponse:
    agents.memory_erase(user_id=user_id_of(request), item_id=item_id)
    flash.success(request, _("Erased."))
    return redirect("student:elara_memory")


@login_required
@require_POST
def memory_erase_all(request: HtmxRequest) -> HttpResponse:
    agents.memory_erase(user_id=user_id_of(request))
    flash.success(request, _("Everything Elara remembered about you is erased."))
    return redirect("student:elara_memory")


# --- Oversight -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def oversight(request: HtmxRequest) -> HttpResponse:
    """The conversations of the viewer's learners (their courses, their organisation), flagged ones first."""
    viewer_id = user_id_of(request)
    flagged_only = request.GET.get("flagged") == "1"
    cursor = request.GET.get("cursor") or None
    try:
        page = agents.oversight_conversations(
            viewer_id=viewer_id, flagged_only=flagged_only, cursor=cursor, limit=OVERSIGHT_PAGE_SIZE
        )
    except DomainError:  # a damaged cursor: the first page again
        cursor = None
        page = agents.oversight_conversations(viewer_id=viewer_id, flagged_only=flagged_only, limit=OVERSIGHT_PAGE_SIZE)
    context = {
        "rows": page.items,
        "next_cursor": page.next_cursor,
        "is_more": bool(cursor),
        "flagged_only": flagged_only,
    }
    partial = "oversight-rows" if request.htmx and cursor else None
    return render_page(request, "student/elara/oversight.html", context, partial=partial)


@login_required
@require_GET
@domain_errors_as_http
def transcript(request: HtmxRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """One conversation as its overseer reads it: every message, the agent, why it answered, each flag."""
    viewer_id = user_id_of(request)
    detail = agents.conversation_get(conversation_id=conversation_id, viewer_id=viewer_id)
    conversation = detail.conversation
    course_title, _slug = _course_title_and_slug(conversation.course_id)
    context = {
        "conversation": conversation,
        "messages_shown": _shown_all(detail.messages),
        "course_title": course_title,
        "learner_name": _learner_name(conversation.user_id),
        "is_own": conversation.user_id == viewer_id,
        "mode_label": MODE_LABELS.get(conversation.mode, conversation.mode),
    }
    return render_page(request, "student/elara/transcript.html", context)


def _learner_name(user_id: uuid.UUID) -> str:
    try:
        profile = accounts.user_profile(user_id=user_id)
    except NotFound:
        return ""
    return profile.display_name or profile.email
