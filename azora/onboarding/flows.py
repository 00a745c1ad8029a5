"""Pure rules of onboarding flows: the step kinds, a flow's step list, each kind's data validation, and progress.

Nothing here reads the database; services pass in what a rule needs (the languages offered, the terms version,
whether a placement attempt is complete).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext as _

from azora.onboarding.flow_texts import KNOWN_TEXTS

# Kinds of step, each with its own data and its own effect (services/steps.py).
WELCOME: Final = "welcome"
PROFILE: Final = "profile"
GOALS: Final = "goals"
LANGUAGE: Final = "language"
PLACEMENT: Final = "placement"
PLAN: Final = "plan"
FIRST_LESSON: Final = "first_lesson"
CREDENTIALS: Final = "credentials"
TERMS: Final = "terms"
PAYOUT: Final = "payout"
FIRST_COURSE: Final = "first_course"
ORGANISATION: Final = "organisation"
VERIFICATION: Final = "verification"
INVITE_MEMBERS: Final = "invite_members"
SSO: Final = "sso"

STEP_KINDS: Final = frozenset(
    {
        WELCOME, PROFILE, GOALS, LANGUAGE, PLACEMENT, PLAN, FIRST_LESSON, CREDENTIALS, TERMS, PAYOUT,
        FIRST_COURSE, ORGANISATION, VERIFICATION, INVITE_MEMBERS, SSO,
    }
)  # fmt: skip

PLANS: Final = ("free", "pro")
PAYOUT_METHODS: Final = ("bank_account", "mobile_money")
INVITE_ROLES: Final = ("member", "instructor", "admin", "billing")

# Limits on what a step accepts.
DISPLAY_NAME_MAX = 120
GOALS_MAX = 5
GOAL_MAX_CHARS = 200
INTERESTS_MAX = 10
INTEREST_MAX_CHARS = 60
CREDENTIALS_MAX_CHARS = 2000
LINKS_MAX = 5
LINK_MAX_CHARS = 500
COURSE_TITLE_MAX = 200
COURSE_SUMMARY_MAX = 300
ORGANISATION_NAME_MAX = 160
REGISTRATION_NUMBER_MAX = 64
INVITES_MAX = 20

_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_ORGANISATION_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_ACCOUNT_NUMBER = re.compile(r"^\d{6,20}$")
_BANK_CODE = re.compile(r"^[A-Za-z0-9]{3,11}$")
_PHONE = re.compile(r"^\+?\d{7,15}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step of a flow as held in `Flow.steps` and frozen into a session."""

    slug: str
    title: str
    kind: str
    skippable: bool
    guide: str

    def as_data(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "kind": self.kind,
            "skippable": self.skippable,
            "guide": self.guide,
        }


class FlowStepsInvalid(ValueError):
    """A flow's step list breaks the schema (admin edits are checked with it)."""


class StepDataError(ValueError):
    """A step's data is not valid; `errors` lists {"field", "message"} for the problem response."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{error['field']}: {error['message']}" for error in errors))


# --- The flow's steps ---------------------------------------------------------------------------------------------


def parse_steps(raw: object) -> tuple[StepSpec, ...]:
    """The step list of a flow: a non-empty list of {"slug", "title", "kind", "skippable", "guide"} with unique
    slugs and known kinds. FlowStepsInvalid says what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise FlowStepsInvalid("A flow's steps are a non-empty list.")
    steps: list[StepSpec] = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise FlowStepsInvalid(f"Step {position} is not an object.")
        slug, kind = item.get("slug"), item.get("kind")
        title, guide, skippable = item.get("title"), item.get("guide", ""), item.get("skippable", False)
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise FlowStepsInvalid(f"Step {position}: slug must be lower-case letters, digits or _ (at most 32).")
        if kind not in STEP_KINDS:
            raise FlowStepsInvalid(f"Step {position}: kind must be one of {', '.join(sorted(STEP_KINDS))}.")
        if not isinstance(title, str) or not title.strip():
            raise FlowStepsInvalid(f"Step {position}: a title is required.")
        if not isinstance(guide, str) or not isinstance(skippable, bool):
            raise FlowStepsInvalid(f"Step {position}: guide is text and skippable is true or false.")
        if any(step.slug == slug for step in steps):
            raise FlowStepsInvalid(f"Step {position}: the slug {slug!r} is used twice.")
        steps.append(StepSpec(slug=slug, title=title.strip(), kind=kind, skippable=skippable, guide=guide.strip()))
    return tuple(steps)


def translated(text: str) -> str:
    """A catalogue text in the active language; a text an admin wrote (not in the catalogue) stays as written."""
    return _(text) if text in KNOWN_TEXTS else text


def current_step(steps: Sequence[StepSpec], done: Collection[str]) -> str:
    """The first step not completed or skipped yet; "" when every step is done."""
    return next((step.slug for step in steps if step.slug not in done), "")


def progress(steps: Sequence[StepSpec], done: Collection[str]) -> float:
    """Completed or skipped steps / total, 0..1 (rounded to 4 places)."""
    if not steps:
        return 1.0
    finished = sum(1 for step in steps if step.slug in done)
    return round(finished / len(steps), 4)


# --- Type detection -----------------------------------------------------------------------------------------------


def student_domain(email: str, domains: Iterable[str]) -> str | None:
    """The configured student domain the address belongs to (the domain itself or a subdomain: "uct.ac.za" is in
    "ac.za", "mit.edu" in "edu", "notac.za" is not in "ac.za"), or None."""
    host = email.rpartition("@")[2].strip().lower().rstrip(".")
    for domain in domains:
        domain = domain.strip().lower().lstrip(".")
        if domain and (host == domain or host.endswith(f".{domain}")):
            return domain
    return None


@dataclass(frozen=True, slots=True)
class Suggestion:
    user_type: str
    is_student: bool
    reason: str


def suggest_type(
    *, emails: Iterable[str], student_domains: Iterable[str], is_instructor: bool, manages_organisation: bool
) -> Suggestion:
    """A student email domain suggests a student learner; otherwise the sign-up data: the platform instructor role
    suggests an instructor, owning or running an organisation suggests an organisation; everyone else a learner."""
    domains = tuple(student_domains)
    for email in emails:
        domain = student_domain(email, domains)
        if domain is not None:
            return Suggestion(
                user_type="learner",
                is_student=True,
                reason=_("Your email address at %(domain)s suggests you are a student.") % {"domain": domain},
            )
    if is_instructor:
        return Suggestion(user_type="instructor", is_student=False, reason=_("Your account may teach courses."))
    if manages_organisation:
        return Suggestion(user_type="organisation", is_student=False, reason=_("You manage an organisation on Azora."))
    return Suggestion(user_type="learner", is_student=False, reason=_("Most people start on Azora as learners."))


# --- Step data ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepContext:
    """What validation needs to know beyond the data itself."""

    languages: Mapping[str, str]  # code -> name
    terms_version: str
    completed_placement_ids: Collection[uuid.UUID] = ()  # the user's completed placement attempts


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise StepDataError(self.items)


def _text(
    data: Mapping[str, Any], field: str, errors: _Errors, *, max_chars: int, required: bool, single_line: bool = True
) -> str:
    value = data.get(field)
    if value is None or value == "":
        if required:
            errors.add(field, _("This field is required."))
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Must be text."))
        return ""
    value = " ".join(value.split()) if single_line else value.strip()
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_chars:
        errors.add(field, _("At most %(count)d characters.") % {"count": max_chars})
    elif single_line and _CONTROL.search(value):
        errors.add(field, _("Must not contain control characters."))
    return value


def _text_list(data: Mapping[str, Any], field: str, errors: _Errors, *, max_items: int, max_chars: int) -> list[str]:
    """A list of short texts (a single text is a list of one); blanks and repeats are dropped."""
    value = data.get(field)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(field, _("Must be a list of texts."))
        return []
    items: list[str] = []
    for item in value:
        text = " ".join(item.split())
        if text and text.casefold() not in {existing.casefold() for existing in items}:
            items.append(text)
    if len(items) > max_items:
        errors.add(field, _("At most %(count)d items.") % {"count": max_items})
    elif any(len(item) > max_chars for item in items):
        errors.add(field, _("Each item has at most %(count)d characters.") % {"count": max_chars})
    elif any(_CONTROL.search(item) for item in items):
        errors.add(field, _("Must not contain control characters."))
    return items


def _uuid(data: Mapping[str, Any], field: str, errors: _Errors) -> uuid.UUID | None:
    value = data.get(field)
    if value is None or value == "":
        errors.add(field, _("This field is required."))
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        errors.add(field, _("Not a valid id."))
        return None


def _choice(data: Mapping[str, Any], field: str, errors: _Errors, choices: Sequence[str], default: str = "") -> str:
    value = data.get(field, default)
    if isinstance(value, str):
        value = value.strip().lower()
    if value not in choices:
        errors.add(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return ""
    return str(value)


def mask_destination(number: str) -> str:
    """Only the last four digits of an account or phone number are kept: "•••• 6789"."""
    digits = "".join(character for character in number if character.isdigit())
    return f"•••• {digits[-4:]}"


def clean_step_data(kind: str, data: Mapping[str, Any] | None, context: StepContext) -> dict[str, Any]:
    """The step's data checked and normalised for its kind (unknown fields are dropped); StepDataError otherwise.

    What is returned is what the step records (never a full account or phone number).
    """
    data = data if data is not None else {}
    if not isinstance(data, Mapping):
        raise StepDataError([{"field": "data", "message": _("Must be an object.")}])
    cleaner = _CLEANERS.get(kind)
    if cleaner is None:
        raise StepDataError([{"field": "kind", "message": _("This step cannot be completed.")}])
    errors = _Errors()
    cleaned = cleaner(data, errors, context)
    errors.raise_if_any()
    return cleaned


def _clean_nothing(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    return {}


def _clean_profile(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    display_name = _text(data, "display_name", errors, max_chars=DISPLAY_NAME_MAX, required=True)
    country = _text(data, "country", errors, max_chars=64, required=False)
    if country and not _COUNTRY.match(country):
        errors.add("country", _("A two-letter country code (ISO 3166-1), e.g. ZA."))
    return {"display_name": display_name, "country": country.upper()}


def _clean_goals(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    goals = _text_list(data, "goals", errors, max_items=GOALS_MAX, max_chars=GOAL_MAX_CHARS)
    interests = _text_list(data, "interests", errors, max_items=INTERESTS_MAX, max_chars=INTEREST_MAX_CHARS)
    if not goals and not interests and not errors.items:
        errors.add("goals", _("Name at least one goal or interest (or skip this step)."))
    return {"goals": goals, "interests": interests}


def _clean_language(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    return {"language": _choice(data, "language", errors, tuple(context.languages))}


def _clean_placement(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    attempt_id = _uuid(data, "attempt_id", errors)
    if attempt_id is not None and attempt_id not in context.completed_placement_ids:
        errors.add("attempt_id", _("Finish the placement first (or skip this step)."))
    return {"attempt_id": str(attempt_id) if attempt_id else ""}


def _clean_plan(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    return {"plan": _choice(data, "plan", errors, PLANS)}


def _clean_first_lesson(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    course_id = _uuid(data, "course_id", errors)
    return {"course_id": str(course_id) if course_id else ""}


def _clean_credentials(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    text = _text(data, "text", errors, max_chars=CREDENTIALS_MAX_CHARS, required=True, single_line=False)
    links = _text_list(data, "links", errors, max_items=LINKS_MAX, max_chars=LINK_MAX_CHARS)
    if any(not _LINK.match(link) for link in links):
        errors.add("links", _("Each link starts with http:// or https://."))
    return {"text": text, "links": links}


def _clean_terms(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    if data.get("accepted") is not True:
        errors.add("accepted", _("Accept the terms to continue."))
    version = data.get("version")
    if version not in (None, "", context.terms_version):
        errors.add("version", _("These terms have changed: read the current version (%(version)s).") % {
            "version": context.terms_version
        })  # fmt: skip
    return {"accepted": True, "version": context.terms_version}


def _clean_payout(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    """bank_account: account_number (or destination), bank_code and account_holder (both optional here: the
    payout itself asks for them); mobile_money: phone_number (or destination). Only the last digits are kept."""
    method = _choice(data, "method", errors, PAYOUT_METHODS)
    if method == "bank_account":
        field = "account_number" if data.get("account_number") else "destination"
        number = "".join(str(data.get(field) or "").split())
        if not _ACCOUNT_NUMBER.match(number):
            errors.add(field, _("The account number is 6 to 20 digits."))
        bank_code = str(data.get("bank_code") or "").strip()
        if bank_code and not _BANK_CODE.match(bank_code):
            errors.add("bank_code", _("The bank code is 3 to 11 letters or digits."))
        holder = _text(data, "account_holder", errors, max_chars=120, required=False)
        return {
            "method": method,
            "bank_code": bank_code.upper(),
            "account_holder": holder,
            "destination_masked": mask_destination(number),
        }
    if method == "mobile_money":
        field = "phone_number" if data.get("phone_number") else "destination"
        phone = "".join(str(data.get(field) or "").replace("-", " ").split())
        if not _PHONE.match(phone):
            errors.add(field, _("A phone number of 7 to 15 digits, e.g. +254712345678."))
        return {"method": method, "destination_masked": mask_destination(phone)}
    return {"method": ""}


def _clean_first_course(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    title = _text(data, "title", errors, max_chars=COURSE_TITLE_MAX, required=True)
    summary = _text(data, "summary", errors, max_chars=COURSE_SUMMARY_MAX, required=False)
    return {"title": title, "summary": summary}


def _clean_organisation(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    name = _text(data, "name", errors, max_chars=ORGANISATION_NAME_MAX, required=True)
    slug = _text(data, "slug", errors, max_chars=80, required=False).lower()
    if slug and not _ORGANISATION_SLUG.match(slug):
        errors.add("slug", _("Lower-case letters, digits and single hyphens."))
    return {"name": name, "slug": slug}


def _clean_verification(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    domain = _text(data, "domain", errors, max_chars=253, required=False).lower().rstrip(".")
    registration = _text(data, "registration_number", errors, max_chars=REGISTRATION_NUMBER_MAX, required=False)
    if domain and not _DOMAIN.match(domain):
        errors.add("domain", _("A domain name such as example.org."))
    if not domain and not registration and not errors.items:
        errors.add("domain", _("Give the organisation's domain or its registration number (or skip this step)."))
    return {"domain": domain, "registration_number": registration, "review_status": "pending"}


def _clean_invite_members(data: Mapping[str, Any], errors: _Errors, context: StepContext) -> dict[str, Any]:
    emails = [email.lower() for email in _text_list(data, "emails", errors, max_items=INVITES_MAX, max_chars=254)]
    if not emails and not errors.items:
        errors.add("emails", _("Give at least one email address (or skip this step)."))
    if any(not _EMAIL.match(email) for email in emails):
        errors.add("emails", _("Enter valid email addresses."))
    role = _choice(data, "role", errors, INVITE_ROLES, default="member")
    return {"emails": emails, "role": role}


_CLEANERS = {
    WELCOME: _clean_nothing,
    PROFILE: _clean_profile,
    GOALS: _clean_goals,
    LANGUAGE: _clean_language,
    PLACEMENT: _clean_placement,
    PLAN: _clean_plan,
    FIRST_LESSON: _clean_first_lesson,
    CREDENTIALS: _clean_credentials,
    TERMS: _clean_terms,
    PAYOUT: _clean_payout,
    FIRST_COURSE: _clean_first_course,
    ORGANISATION: _clean_organisation,
    VERIFICATION: _clean_verification,
    INVITE_MEMBERS: _clean_invite_members,
    SSO: _clean_nothing,
}
