"""The onboarding wizard and the placement diagnostic in the Student Portal.

One page per step of the person's onboarding session (resumable, with its progress and Elara's short guidance),
the type suggestion confirmed by the person, and the placement diagnostic one item per page, ending with the
estimated levels and the learning path. Every rule (order, skipping, what a step's data must be, the next item,
the estimates, the path) is Elara Onboarding's, reached only through `azora.onboarding.public`; these views parse
a plain form, call one public function and render (HTMX is only an enhancement: every form posts and redirects).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import validators
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import azora.agents.public as agents
import azora.education.public as education
import azora.onboarding.errors as onboarding_errors
import azora.onboarding.public as onboarding
from azora.portals.student.forms import LEVEL_LABELS, language_choices
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import Conflict, DomainError, ValidationFailed

USER_TYPES = (
    ("learner", gettext_lazy("Learner")),
    ("instructor", gettext_lazy("Instructor")),
    ("organisation", gettext_lazy("Organisation")),
)
USER_TYPE_HELP = {
    "learner": gettext_lazy("I want to learn: courses, a placement check and a learning path made for me."),
    "instructor": gettext_lazy("I want to teach: publish courses and get paid for them."),
    "organisation": gettext_lazy("I am setting up Azora for a school, company or team."),
}
PLANS = (
    ("free", gettext_lazy("Free: start learning now, with a monthly allowance of questions to Elara")),
    ("pro", gettext_lazy("PRO: more questions to Elara and more rewards; you pay on the next page")),
)
PAYOUT_METHODS = (
    ("bank_account", gettext_lazy("Bank account")),
    ("mobile_money", gettext_lazy("Mobile money")),
)
INVITE_ROLES = (
    ("member", gettext_lazy("Member")),
    ("instructor", gettext_lazy("Instructor")),
    ("admin", gettext_lazy("Administrator")),
    ("billing", gettext_lazy("Billing manager")),
)


def _lines(text: str) -> list[str]:
    """One entry per line (or comma), trimmed, without empties or repeats, in the order written."""
    seen: dict[str, None] = {}
    for part in text.replace(",", "\n").splitlines():
        value = part.strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)


# --- Forms: one per step kind; each turns its input into the `data` Elara Onboarding validates ---------------------


class StepForm(forms.Form):
    """A step with nothing to enter (welcome, SSO later): the button alone completes it."""

    submit_label = gettext_lazy("Continue")

    def __init__(self, *args: Any, step: onboarding.StepView, user_id: uuid.UUID, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.user_id = user_id

    def step_data(self) -> dict[str, Any]:
        return {}


class ProfileStepForm(StepForm):
    display_name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=120,
        help_text=gettext_lazy("How teachers and other learners see you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    country = forms.CharField(
        label=gettext_lazy("Country (optional)"),
        required=False,
        max_length=2,
        help_text=gettext_lazy("Two-letter code, for example ZA, KE or NG."),
        validators=[validators.RegexValidator(r"^[A-Za-z]{2}$", gettext_lazy("Enter a two-letter country code."))],
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 4}),
    )

    def step_data(self) -> dict[str, Any]:
        return {
            "display_name": self.cleaned_data["display_name"].strip(),
            "country": self.cleaned_data["country"].upper(),
        }


class GoalsStepForm(StepForm):
    goals = forms.CharField(
        label=gettext_lazy("Your goals"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("One per line, for example “Become a nurse” or “Pass maths this year”."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    interests = forms.MultipleChoiceField(
        label=gettext_lazy("Subjects that interest you (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [category.name for category in education.categories()]
        cast(forms.MultipleChoiceField, self.fields["interests"]).choices = [(name, name) for name in names]

    def step_data(self) -> dict[str, Any]:
        return {"goals": _lines(self.cleaned_data["goals"]), "interests": list(self.cleaned_data["interests"])}


class LanguageStepForm(StepForm):
    language = forms.ChoiceField(label=gettext_lazy("The language you learn in"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices()
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE).split("-")[0]

    def step_data(self) -> dict[str, Any]:
        return {"language": self.cleaned_data["language"]}


class PlanStepForm(StepForm):
    plan = forms.ChoiceField(label=gettext_lazy("Your plan"), choices=PLANS, widget=forms.RadioSelect, initial="free")

    def step_data(self) -> dict[str, Any]:
        return {"plan": self.cleaned_data["plan"]}


class FirstLessonStepForm(StepForm):
    """The course to start with: the learning path's courses (each with why), else a few from the catalogue."""

    course_id = forms.ChoiceField(label=gettext_lazy("Start with"), widget=forms.RadioSelect)
    submit_label = gettext_lazy("Start learning")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = onboarding.learning_path_of(user_id=self.user_id)
        if path is not None and path.items:
            choices = [(str(item.course_id), f"{item.course_title}: {item.reason}") for item in path.items]
        else:
            found = education.course_search(price="free", sort="popular", limit=6, viewer_id=self.user_id).items
            choices = [(str(course.id), f"{course.title}: {course.summary}") for course in found]
        field = cast(forms.ChoiceField, self.fields["course_id"])
        field.choices = choices
        if choices:
            field.initial = choices[0][0]

    def step_data(self) -> dict[str, Any]:
        return {"course_id": self.cleaned_data["course_id"]}


class CredentialsStepForm(StepForm):
    text = forms.CharField(
        label=gettext_lazy("Your experience and qualifications"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    links = forms.CharField(
        label=gettext_lazy("Links (optional)"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("One per line: a portfolio, a profile, a certificate."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_links(self) -> list[str]:
        links = _lines(self.cleaned_data["links"])
        check = validators.URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                check(link)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("“%(link)s” is not a web address.") % {"link": link}) from error
        return links

    def step_data(self) -> dict[str, Any]:
        return {"text": self.cleaned_data["text"].strip(), "links": self.cleaned_data["links"]}


class TermsStepForm(StepForm):
    accepted = forms.BooleanField(label=gettext_lazy("I accept Azora's terms"))
    submit_label = gettext_lazy("Accept and continue")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = getattr(settings, "AZORA_ONBOARDING_TERMS_VERSION", "")
        self.fields["accepted"].help_text = _("Version %(version)s. The version and the time are recorded.") % {
            "version": version
        }

    def step_data(self) -> dict[str, Any]:
        return {"accepted": True, "version": getattr(settings, "AZORA_ONBOARDING_TERMS_VERSION", "")}


class PayoutStepForm(StepForm):
    """Only the last four digits of a number are kept (Elara Onboarding masks them before recording)."""

    method = forms.ChoiceField(label=gettext_lazy("How you are paid"), choices=PAYOUT_METHODS, widget=forms.RadioSelect)
    account_holder = forms.CharField(label=gettext_lazy("Account holder (bank)"), required=False, max_length=120)
    bank_code = forms.CharField(
        label=gettext_lazy("Bank or branch code (bank)"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label=gettext_lazy("Account number (bank)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone_number = forms.CharField(
        label=gettext_lazy("Phone number (mobile money)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("For example +254712345678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def step_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["method"] == "bank_account":
            return {
                "method": data["method"],
                "account_holder": data["account_holder"],
                "bank_code": data["bank_code"],
                "account_number": data["account_number"],
            }
        return {"method": data["method"], "phone_number": data["phone_number"]}


class FirstCourseStepForm(StepForm):
    title = forms.CharField(label=gettext_lazy("Your first course's title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary (optional)"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("One or two sentences for the catalogue; you can change it later."),
    )
    submit_label = gettext_lazy("Create the draft")

    def step_data(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"].strip(), "summary": self.cleaned_data["summary"].strip()}


class OrganisationStepForm(StepForm):
    name = forms.CharField(
        label=gettext_lazy("Organisation name"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name (optional)"),
        required=False,
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens; made from the name when left empty."),
    )

    def step_data(self) -> dict[str, Any]:
        return {"name": self.cleaned_data["name"].strip(), "slug": self.cleaned_data["slug"].lower()}


class VerificationStepForm(StepForm):
    domain = forms.CharField(
        label=gettext_lazy("Web domain (optional)"),
        required=False,
        max_length=253,
        help_text=gettext_lazy("For example school.ac.za."),
        validators=[validators.DomainNameValidator(accept_idna=False)],
    )
    registration_number = forms.CharField(
        label=gettext_lazy("Registration number (optional)"), required=False, max_length=64
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        missing = cleaned is not None and not (cleaned.get("domain") or cleaned.get("registration_number"))
        if missing and not self.errors:
            raise forms.ValidationError(_("Give a web domain, a registration number or both."))
        return cleaned

    def step_data(self) -> dict[str, Any]:
        return {
            "domain": self.cleaned_data["domain"].strip().lower(),
            "registration_number": self.cleaned_data["registration_number"].strip(),
        }


class InviteStepForm(StepForm):
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        max_length=4000,
        help_text=gettext_lazy("One per line or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    role = forms.ChoiceField(label=gettext_lazy("Their role"), choices=INVITE_ROLES, initial="member")
    submit_label = gettext_lazy("Send the invitations")

    def clean_emails(self) -> list[str]:
        emails = _lines(self.cleaned_data["emails"])
        for email in emails:
            try:
                validators.validate_email(email)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("“%(email)s” is not an email address.") % {"email": email}) from error
        return emails

    def step_data(self) -> dict[str, Any]:
        return {"emails": self.cleaned_data["emails"], "role": self.cleaned_data["role"]}


STEP_FORMS: dict[str, type[StepForm]] = {
    "profile": ProfileStepForm,
    "goals": GoalsStepForm,
    "language": LanguageStepForm,
    "plan": PlanStepForm,
    "first_lesson": FirstLessonStepForm,
    "credentials": CredentialsStepForm,
    "terms": TermsStepForm,
    "payout": PayoutStepForm,
    "first_course": FirstCourseStepForm,
    "organisation": OrganisationStepForm,
    "verification": VerificationStepForm,
    "invite_members": InviteStepForm,
}


class UserTypeForm(forms.Form):
    user_type = forms.ChoiceField(label=gettext_lazy("How will you use Azora?"), choices=USER_TYPES)


# --- The wizard ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _progress(session: onboarding.SessionView) -> Progress:
    return Progress(done=sum(1 for step in session.steps if step.status), total=len(session.steps))


def _step_url(session: onboarding.SessionView, step: str) -> str:
    return reverse("student:onboarding_step", kwargs={"session_id": session.id, "step": step})


def _resume_url(session: onboarding.SessionView) -> str:
    if session.status != "active" or not session.current_step:
        return reverse("student:onboarding_done", kwargs={"session_id": session.id})
    return _step_url(session, session.current_step)


def _guidance(request: HtmxRequest, session: onboarding.SessionView, step: onboarding.StepView) -> agents.GuidanceView:
    """Elara's short message for the step (the agents pipeline falls back to the scripted guide by itself)."""
    return agents.step_guidance(
        user_id=user_id_of(request),
        flow=session.flow,
        step=step.slug,
        step_title=step.title,
        hint=step.guide,
        language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def onboarding_home(request: HtmxRequest) -> HttpResponse:
    """Resume the active session where it was left; after a finished one, say so (`?choose=1` picks another type);
    with none, confirm the suggested type and start its flow."""
    user_id = user_id_of(request)
    if request.method == "GET":
        latest = onboarding.session_latest(user_id=user_id)
        if latest is not None and (latest.status == "active" or "choose" not in request.GET):
            return redirect(_resume_url(latest))
    suggestion = onboarding.type_suggest(user_id=user_id)
    form = UserTypeForm(request.POST or None, initial={"user_type": suggestion.user_type})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = onboarding.session_start(user_id=user_id, flow=form.cleaned_data["user_type"])
            except ValidationFailed as error:
                add_domain_error(form, error, {"flow": "user_type"})
            else:
                return redirect(_resume_url(session))
        status = INVALID
    flows = {flow.slug: flow for flow in onboarding.flows_list()}
    choices = [
        {
            "value": value,
            "label": label,
            "help": USER_TYPE_HELP[value],
            "steps": len(flows[value].steps) if value in flows else 0,
            "is_suggested": value == suggestion.user_type,
        }
        for value, label in USER_TYPES
        if value in flows
    ]
    context = {"form": form, "suggestion": suggestion, "choices": choices, "selected": form["user_type"].value()}
    return render_page(request, "student/onboarding/start.html", context, status=status)


def _step_page(
    request: HtmxRequest,
    session: onboarding.SessionView,
    step: onboarding.StepView,
    *,
    form: StepForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    if form is None and step.kind != "placement":
        form = STEP_FORMS.get(step.kind, StepForm)(step=step, user_id=user_id)
    context = {
        "session": session,
        "step": step,
        "step_number": next(index for index, item in enumerate(session.steps, start=1) if item.slug == step.slug),
        "progress": _progress(session),
        "form": form,
        "error": error,
        "guidance": _guidance(request, session, step),
        "current_url": _resume_url(session),
        "pay_url": _pay_url(session),
        "placement_min": getattr(settings, "AZORA_PLACEMENT_MIN_ITEMS", 10),
        "placement_max": getattr(settings, "AZORA_PLACEMENT_MAX_ITEMS", 20),
    }
    return render_page(request, "student/onboarding/step.html", context, partial="wizard", status=status)


def _pay_url(session: onboarding.SessionView) -> str:
    """The Pay UI's PRO checkout when the person chose PRO in this session (they may pay now or later)."""
    for step in session.steps:
        if step.kind == "plan" and step.status == "completed" and (step.data or {}).get("plan") == "pro":
            return reverse("pay:buy_plan", kwargs={"plan_code": "pro"})
    return ""


def _find_step(session: onboarding.SessionView, slug: str) -> onboarding.StepView:
    for step in session.steps:
        if step.slug == slug:
            return step
    raise Http404(_("This onboarding has no such step."))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def onboarding_step(request: HtmxRequest, session_id: uuid.UUID, step: str) -> HttpResponse:
    """One step: its form with Elara's guidance; posting completes it (or skips it) and moves on."""
    user_id = user_id_of(request)
    session = onboarding.session_get(session_id=session_id, user_id=user_id)
    view = _find_step(session, step)
    if request.method == "GET":
        if session.status != "active" or step != session.current_step:
            return redirect(_resume_url(session))  # resume where the person left off
        return _step_page(request, session, view)

    skip = "skip" in request.POST
    form_class = STEP_FORMS.get(view.kind, StepForm)
    form = form_class(request.POST, step=view, user_id=user_id) if view.kind != "placement" else None
    data: dict[str, Any] = {}
    if not skip and view.kind == "placement":
        data = {"attempt_id": request.POST.get("attempt_id", "")}
    elif not skip and form is not None:
        if not form.is_valid():
            return _step_page(request, session, view, form=form, status=INVALID)
        data = form.step_data()
    try:
        updated = onboarding.step_submit(session_id=session.id, user_id=user_id, step=view.slug, data=data, skip=skip)
    except onboarding_errors.StepDataInvalid as error:
        if form is None:
            return _step_page(request, session, view, error=str(error.detail), status=INVALID)
        add_domain_error(form, error)
        return _step_page(request, session, view, form=form, status=INVALID)
    except (Conflict, ValidationFailed) as error:  # out of order, not skippable, closed, unknown: nothing changed
        return _step_page(request, session, view, form=form, error=str(error.detail), status=error.status)
    next_url = str(getattr(updated, "next_url", "") or "")  # the flow's answer: the lesson to start, the checkout
    if skip:
        messages.info(request, _("Skipped: %(step)s.") % {"step": view.title})
    if next_url and view.kind != "plan":  # the first lesson, the new course draft: go there (PRO pays later)
        if updated.status == "completed":
            messages.success(request, _("You are set up. Welcome to Azora!"))
        return redirect(next_url)
    return redirect(_resume_url(updated))


@login_required
@require_http_methods(["GET"])
@domain_errors_as_http
def onboarding_done(request: HtmxRequest, session_id: uuid.UUID) -> HttpResponse:
    """The end of a flow: what was done or skipped, and where to go next."""
    user_id = user_id_of(request)
    session = onboarding.session_get(session_id=session_id, user_id=user_id)
    if session.status == "active" and session.current_step:
        return redirect(_resume_url(session))
    context = {
        **(learning_path_context(user_id=user_id) if session.flow == "learner" else {}),
        "unfinished_session": None,
        "session": session,
        "progress": _progress(session),
        "pay_url": _pay_url(session),
        "show_placement_offer": False,
    }
    return render_page(request, "student/onboarding/done.html", context)


# --- The placement diagnostic --------------------------------------------------------------------------------------


def _session_param(request: HtmxRequest) -> uuid.UUID | None:
    raw = request.POST.get("session") or request.GET.get("session") or ""
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _placement_url(attempt_id: uuid.UUID, session_id: uuid.UUID | None) -> str:
    url = reverse("student:placement", kwargs={"attempt_id": attempt_id})
    return f"{url}?{urlencode({'session': str(session_id)})}" if session_id else url


@login_required
@require_POST
@domain_errors_as_http
def placement_start(request: HtmxRequest) -> HttpResponse:
    """Start (or resume) the diagnostic, from the wizard's placement step or from the dashboard's offer."""
    session_id = _session_param(request)
    attempt = onboarding.placement_start(user_id=user_id_of(request), session_id=session_id)
    return redirect(_placement_url(attempt.id, session_id))


def answer_from_form(item: onboarding.PlacementItemView, data: QueryDict) -> tuple[object | None, str]:
    """The answer in the type its kind needs (as the quiz pages send them), or a message when it is missing."""
    if item.kind == "multiple_choice":
        chosen = data.getlist("answer")
        return (chosen, "") if chosen else (None, _("Choose at least one answer."))
    raw = data.get("answer", "").strip()
    if not raw:
        return None, _("Choose an answer.") if item.choices or item.kind == "true_false" else _("Write your answer.")
    if item.kind == "true_false":
        return (raw == "true", "") if raw in ("true", "false") else (None, _("Choose true or false."))
    return raw, ""


def _placement_page(
    request: HtmxRequest,
    attempt: onboarding.PlacementView,
    *,
    session_id: uuid.UUID | None,
    error: str = "",
    value: object = None,
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    session = None
    if session_id is not None:
        try:
            session = onboarding.session_get(session_id=session_id, user_id=user_id)
        except DomainError:
            session = None
    placement_step = next((step for step in session.steps if step.kind == "placement"), None) if session else None
    if attempt.status == "completed":
        context: dict[str, Any] = {
            **learning_path_context(user_id=user_id),
            "show_placement_offer": False,
            "unfinished_session": None,
            "path_levels": [],  # the page lists the levels itself
            "hide_start": bool(session and session.status == "active"),  # the wizard's last step starts a course
            "attempt": attempt,
            "estimates": _estimates(attempt.estimates, attempt.subject_names),
            "session": session if session and session.status == "active" else None,
            "placement_step": placement_step,
        }
        return render_page(request, "student/onboarding/placement_result.html", context, status=status)
    item = attempt.current
    context = {
        "attempt": attempt,
        "item": item,
        "session": session,
        "progress": Progress(done=attempt.answered, total=max(attempt.planned_max, attempt.answered + 1)),
        "error": error,
        "value": value,
        "value_list": value if isinstance(value, list) else [],
        "action": _placement_url(attempt.id, session.id if session else None),
    }
    return render_page(request, "student/onboarding/placement.html", context, partial="item", status=status)


def _estimates(estimates: Mapping[str, str], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each subject's name (slugs when a name is missing) with its level's label, by name."""
    rows = [
        (names.get(subject) or subject, str(LEVEL_LABELS.get(level, level))) for subject, level in estimates.items()
    ]
    return sorted(rows)


def learning_path_context(*, user_id: uuid.UUID, path: onboarding.LearningPathView | None = None) -> dict[str, Any]:
    """What the learning path card shows: the path (each course, its first lesson, why), the levels, the way to
    finish an unfinished onboarding, and the placement check when there is no path yet."""
    path = path if path is not None else onboarding.learning_path_of(user_id=user_id)
    session = onboarding.session_current(user_id=user_id)
    return {
        "path": path,
        "path_levels": _estimates(path.estimates, path.subject_names) if path is not None else [],
        "unfinished_session": session,
        "session_done": _progress(session).done if session is not None else 0,
        "offer_reason": path.reoffer_reason if path is not None and path.placement_reoffered else "",
        "show_placement_offer": (path is None and session is None) or (path is not None and path.placement_reoffered),
    }


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def placement(request: HtmxRequest, attempt_id: uuid.UUID) -> HttpResponse:
    """The diagnostic's current item (one per page), or the result with the learning path once it is finished."""
    user_id = user_id_of(request)
    session_id = _session_param(request)
    attempt = onboarding.placement_get(attempt_id=attempt_id, user_id=user_id)
    if request.method == "GET" or attempt.current is None:
        return _placement_page(request, attempt, session_id=session_id)
    item = attempt.current
    try:
        question_id = uuid.UUID(request.POST.get("question_id", ""))
    except ValueError:
        question_id = None
    if question_id != item.question_id:  # an old page posted again (back button): this item is the one to answer
        message = _("That question was already answered. Here is the next one.")
        return _placement_page(request, attempt, session_id=session_id, error=message, status=409)
    dont_know = "dont_know" in request.POST  # None is "I don't know" (counted as not right)
    answer, message = (None, "") if dont_know else answer_from_form(item, request.POST)
    if answer is None and not dont_know:
        return _placement_page(request, attempt, session_id=session_id, error=message, status=INVALID)
    try:
        onboarding.placement_answer(attempt_id=attempt.id, user_id=user_id, question_id=item.question_id, answer=answer)
    except (Conflict, ValidationFailed) as error:
        attempt = onboarding.placement_get(attempt_id=attempt_id, user_id=user_id)
        value = answer if isinstance(answer, (str, list)) else str(answer).lower()
        return _placement_page(
            request, attempt, session_id=session_id, error=str(error.detail), value=value, status=error.status
        )
    return redirect(_placement_url(attempt.id, session_id))
