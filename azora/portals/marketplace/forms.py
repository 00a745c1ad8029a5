"""Forms of the Marketplace UI: they turn what a person typed into the arguments of `azora.marketplace.public`
and say clearly what is wrong. Rules about listings, applications and money live in the marketplace itself; a
form only refuses input that cannot mean a search, an amount, a date or a card at all."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from azora.marketplace.public import ListingSkillInput, MilestoneInput
from azora.shared.forms import AmountField, CardForm, to_money
from azora.shared.money import CURRENCY_EXPONENTS, Money

__all__ = [
    "ApplicationForm",
    "CancelForm",
    "CardForm",
    "DisputeForm",
    "ListingForm",
    "MessageForm",
    "ProfileForm",
    "ResolveForm",
    "ReviewForm",
    "SearchForm",
    "SubmitForm",
    "TransitionForm",
]

CURRENCIES = [(code, code) for code in ("ZAR", "AZR", "USD", "EUR", "GBP", "KES", "NGN", "GHS")]
KIND_CHOICES = [("job", _("Job")), ("gig", _("Gig (fixed-price project)"))]
JOB_TYPE_CHOICES = [
    ("full_time", _("Full-time")),
    ("part_time", _("Part-time")),
    ("contract", _("Contract")),
    ("internship", _("Internship")),
]
PAY_PERIOD_CHOICES = [("month", _("per month")), ("year", _("per year")), ("hour", _("per hour"))]
LEVEL_CHOICES = [(1, _("Beginner")), (2, _("Intermediate")), (3, _("Advanced")), (4, _("Expert"))]
SORT_CHOICES = [("best", _("Best match")), ("newest", _("Newest")), ("pay", _("Highest pay"))]
REMOTE_CHOICES = [("", _("Remote or on site")), ("yes", _("Remote only")), ("no", _("On site only"))]
SKILL_ROWS = 6
MILESTONE_ROWS = 5
MAX_PORTFOLIO_LINKS = 5


def _optional(choices: list[tuple[Any, Any]], label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class SearchForm(forms.Form):
    """Browse and search: every field optional; a pay floor needs a currency to mean anything."""

    q = forms.CharField(label=_("Search"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_optional(KIND_CHOICES, _("Jobs and gigs")))
    job_type = forms.ChoiceField(
        label=_("Job type"), required=False, choices=_optional(JOB_TYPE_CHOICES, _("Any job type"))
    )
    remote = forms.ChoiceField(label=_("Where"), required=False, choices=REMOTE_CHOICES)
    location = forms.CharField(label=_("Location"), required=False, max_length=120)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=80)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=_optional(CURRENCIES, _("Any")))
    pay_min = AmountField(label=_("Pays at least"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    # A pay band chosen from the facets: "<low>-<high>" in minor units, the high end optional.
    pay = forms.RegexField(regex=r"^\d{1,15}-(\d{1,15})?$", required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        band = cleaned.get("pay") or ""
        if band:
            low, high = band.split("-")
            cleaned["band"] = (int(low), int(high) if high else None)
        number, currency = cleaned.get("pay_min"), cleaned.get("currency")
        if isinstance(number, Decimal):
            if not currency:
                self.add_error("currency", _("Choose a currency to filter by pay."))
            else:
                cleaned["pay_min_money"] = to_money(self, "pay_min", number, currency)
        return cleaned

    def search_arguments(self, skills: list[str]) -> dict[str, Any]:
        data = self.cleaned_data
        remote = {"yes": True, "no": False}.get(data.get("remote") or "")
        money = data.get("pay_min_money")
        band = data.get("band") or (None, None)
        chosen = [*skills, data["skill"]] if data.get("skill") else skills
        return {
            "query": data.get("q") or "",
            "kind": data.get("kind") or None,
            "job_type": data.get("job_type") or None,
            "remote": remote,
            "location": data.get("location") or None,
            "skills": tuple(dict.fromkeys(s for s in chosen if s)),
            "currency": data.get("currency") or None,
            "pay_min_minor": money.minor if isinstance(money, Money) else band[0],
            "pay_max_minor": band[1],
            "sort": data.get("sort") or "best",
        }


def _pay_money(form: forms.Form, field: str, currency: str) -> Money | None:
    number = form.cleaned_data.get(field)
    if isinstance(number, Decimal):
        return to_money(form, field, number, currency)
    return None


class ApplicationForm(forms.Form):
    """An application to a job or a proposal for a gig."""

    cover_letter = forms.CharField(
        label=_("Cover letter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why you, in your own words. At most 5,000 characters."),
    )
    portfolio_links = forms.CharField(
        label=_("Portfolio links (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One web address per line, at most five."),
    )
    expected_pay = AmountField(label=_("Expected pay (optional)"), required=False)
    availability = forms.CharField(
        label=_("Availability (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: full-time from next month, or 10 hours a week."),
    )
    available_from = forms.DateField(
        label=_("Available from (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["expected_pay"].label = _("Expected pay in %(currency)s (optional)") % {"currency": currency}

    def clean_portfolio_links(self) -> list[str]:
        links = [line.strip() for line in str(self.cleaned_data["portfolio_links"]).splitlines() if line.strip()]
        if len(links) > MAX_PORTFOLIO_LINKS:
            raise forms.ValidationError(_("Give at most five links."), code="too_many")
        validate = forms.URLField(assume_scheme="https").clean
        for link in links:
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise forms.ValidationError(
                    _("%(link)s is not a web address; start it with https://."), params={"link": link}, code="invalid"
                )
            validate(link)
        return links

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        money = _pay_money(self, "expected_pay", self.currency)
        return {
            "cover_letter": data["cover_letter"],
            "portfolio_links": tuple(data["portfolio_links"]),
            "expected_pay_minor": money.minor if money is not None else None,
            "availability": data["availability"],
            "available_from": data["available_from"],
        }


class ListingForm(forms.Form):
    """A new job or gig. Skills and milestones come as a fixed number of rows so the form works without script;
    empty rows are ignored."""

    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="job")
    post_as = forms.ChoiceField(label=_("Post as"), required=False)
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the work is, what you offer. Markdown is allowed: **bold**, lists, links."),
    )
    job_type = forms.ChoiceField(
        label=_("Job type (jobs only)"), required=False, choices=_optional(JOB_TYPE_CHOICES, _("Choose"))
    )
    is_remote = forms.BooleanField(label_suffix="", label=_("Remote: work from anywhere"), required=False)
    location = forms.CharField(label=_("Location (optional)"), required=False, max_length=120)
    country = forms.CharField(
        label=_("Country code (optional)"),
        required=False,
        max_length=2,
        help_text=_("Two letters, for example ZA or KE."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="ZAR")
    pay_min = AmountField(label=_("Pay from (jobs)"), required=False)
    pay_max = AmountField(label=_("Pay up to (jobs, optional)"), required=False)
    pay_period = forms.ChoiceField(label=_("Pay period (jobs)"), choices=PAY_PERIOD_CHOICES, initial="month")
    experience_years = forms.IntegerField(
        label=_("Years of experience asked for"), min_value=0, max_value=50, initial=0
    )
    closes_on = forms.DateField(
        label=_("Closes on (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    publish = forms.BooleanField(
        label_suffix="", label=_("Publish now (otherwise it is saved as a draft)"), required=False, initial=True
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]  # an empty tuple is a fine default
        super().__init__(*args, **kwargs)
        post_as = self.fields["post_as"]
        assert isinstance(post_as, forms.ChoiceField)
        post_as.choices = [("", _("Myself")), *organisations]
        if not organisations:
            post_as.widget = forms.HiddenInput()
        for row in range(1, SKILL_ROWS + 1):
            self.fields[f"skill_{row}"] = forms.CharField(
                label=_("Skill %(row)s") % {"row": row}, required=False, max_length=80
            )
            self.fields[f"skill_{row}_level"] = forms.TypedChoiceField(
                label=_("Level of skill %(row)s") % {"row": row}, choices=LEVEL_CHOICES, coerce=int, initial=2
            )
            self.fields[f"skill_{row}_required"] = forms.BooleanField(
                label_suffix="", label=_("Skill %(row)s is required") % {"row": row}, required=False, initial=True
            )
        for row in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{row}"] = forms.CharField(
                label=_("Milestone %(row)s") % {"row": row}, required=False, max_length=160
            )
            self.fields[f"milestone_{row}_amount"] = AmountField(
                label=_("Amount of milestone %(row)s") % {"row": row}, required=False
            )

    def skill_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"skill_{row}"], self[f"skill_{row}_level"], self[f"skill_{row}_required"])
            for row in range(1, SKILL_ROWS + 1)
        ]

    def milestone_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"milestone_{row}"], self[f"milestone_{row}_amount"]) for row in range(1, MILESTONE_ROWS + 1)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS if name in self.fields]

    MAIN_FIELDS = ("title", "description", "job_type", "is_remote", "location", "country")
    PAY_FIELDS = ("currency", "pay_min", "pay_max", "pay_period")

    def pay_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PAY_FIELDS]

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise forms.ValidationError(_("Enter two letters, for example ZA."), code="invalid")
        return country

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, currency = cleaned.get("kind"), cleaned.get("currency")
        if not currency or currency not in CURRENCY_EXPONENTS:
            return cleaned
        milestones: list[MilestoneInput] = []
        for row in range(1, MILESTONE_ROWS + 1):
            title, number = cleaned.get(f"milestone_{row}"), cleaned.get(f"milestone_{row}_amount")
            if not title and number is None:
                continue
            if not title:
                self.add_error(f"milestone_{row}", _("Give this milestone a title."))
            elif number is None:
                self.add_error(f"milestone_{row}_amount", _("Enter this milestone's amount."))
            else:
                money = to_money(self, f"milestone_{row}_amount", number, currency)
                if money is not None:
                    milestones.append(MilestoneInput(title=title, amount_minor=money.minor))
        if kind == "gig":
            if not milestones and not self.errors:
                self.add_error("milestone_1", _("A gig needs at least one milestone with a title and an amount."))
            cleaned["pay_min_money"] = Money(sum(m.amount_minor for m in milestones), currency)
            cleaned["pay_max_money"] = None
        elif kind == "job":
            if not cleaned.get("job_type"):
                self.add_error("job_type", _("Choose the job type."))
            if cleaned.get("pay_min") is None:
                self.add_error("pay_min", _("Enter the pay a job offers."))
            else:
                cleaned["pay_min_money"] = _pay_money(self, "pay_min", currency)
                cleaned["pay_max_money"] = _pay_money(self, "pay_max", currency)
            milestones = []
        cleaned["milestones"] = milestones
        return cleaned

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        skills = [
            ListingSkillInput(
                skill=data[f"skill_{row}"].strip(),
                level=int(data[f"skill_{row}_level"]),
                is_required=bool(data[f"skill_{row}_required"]),
            )
            for row in range(1, SKILL_ROWS + 1)
            if data.get(f"skill_{row}", "").strip()
        ]
        pay_min: Money = data["pay_min_money"]
        pay_max: Money | None = data.get("pay_max_money")
        closes_on = data.get("closes_on")
        return {
            "organisation_id": data["post_as"] or None,
            "kind": kind,
            "job_type": data["job_type"] if kind == "job" else "",
            "title": data["title"],
            "description": data["description"],
            "location": data["location"],
            "country": data["country"],
            "is_remote": data["is_remote"],
            "currency": data["currency"],
            "pay_min_minor": pay_min.minor,
            "pay_max_minor": pay_max.minor if pay_max is not None else None,
            "pay_period": data["pay_period"] if kind == "job" else "project",
            "experience_years": data["experience_years"],
            "closes_at": datetime.combine(closes_on, time(23, 59), tzinfo=UTC) if closes_on else None,
            "skills": tuple(skills),
            "milestones": tuple(data["milestones"]),
            "publish": data["publish"],
        }


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class TransitionForm(forms.Form):
    to_status = forms.CharField(max_length=16, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("What you hand in"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note for the client: what is done and where to find it."),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("An Azora admin reads both sides and decides: release, refund, or a split."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why cancel"), max_length=500)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(5, _("5 (excellent)")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 (poor)"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Review (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("release", _("Release: the seller is paid the whole milestone")),
            ("refund", _("Refund: the whole milestone returns to the client")),
            ("split", _("Split: the seller is paid part, the rest returns to the client")),
        ],
    )
    seller_amount = AmountField(label=_("Seller's part (split only)"), required=False)
    note = forms.CharField(
        label=_("Decision note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both parties read it."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("resolution") == "split":
            if cleaned.get("seller_amount") is None:
                self.add_error("seller_amount", _("Enter the seller's part of a split."))
            else:
                cleaned["seller_money"] = _pay_money(self, "seller_amount", self.currency)
        return cleaned


OWN_SKILL_ROWS = 8


class ProfileForm(forms.Form):
    """One's own marketplace profile and self-declared skills; skills an Azora certificate vouches for stay."""

    headline = forms.CharField(label=_("Headline"), required=False, max_length=120)
    bio = forms.CharField(
        label=_("About you"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    location = forms.CharField(label=_("Town or city"), required=False, max_length=120)
    country = forms.CharField(
        label=_("Country code"), required=False, max_length=2, help_text=_("Two letters, for example ZA or KE.")
    )
    is_remote_ok = forms.BooleanField(label_suffix="", label=_("I am open to remote work"), required=False)
    years_experience = forms.IntegerField(label=_("Years of work experience"), min_value=0, max_value=60, initial=0)
    expected_pay = AmountField(
        label=_("Expected pay (optional)"),
        required=False,
        help_text=_("A month's pay for jobs; matching compares it with what a listing offers."),
    )
    expected_pay_currency = forms.ChoiceField(label=_("Currency of the expected pay"), choices=CURRENCIES)
    is_public = forms.BooleanField(label_suffix="", label=_("Show my profile to others"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, OWN_SKILL_ROWS + 1):
            self.fields[f"skill_{row}"] = forms.CharField(
                label=_("Skill %(row)s") % {"row": row}, required=False, max_length=80
            )
            self.fields[f"skill_{row}_level"] = forms.TypedChoiceField(
                label=_("Level of skill %(row)s") % {"row": row}, choices=LEVEL_CHOICES, coerce=int, initial=2
            )

    PROFILE_FIELDS = ("headline", "bio", "location", "country", "is_remote_ok", "years_experience")

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PROFILE_FIELDS]

    def pay_fields(self) -> list[forms.BoundField]:
        return [self["expected_pay"], self["expected_pay_currency"]]

    def skill_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"skill_{row}"], self[f"skill_{row}_level"]) for row in range(1, OWN_SKILL_ROWS + 1)]

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise forms.ValidationError(_("Enter two letters, for example ZA."), code="invalid")
        return country

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = cleaned.get("expected_pay_currency")
        number = cleaned.get("expected_pay")
        cleaned["expected_money"] = (
            to_money(self, "expected_pay", number, currency) if isinstance(number, Decimal) and currency else None
        )
        return cleaned

    def profile_changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        money = data.get("expected_money")
        return {
            **{name: data[name] for name in self.PROFILE_FIELDS},
            "is_public": data["is_public"],
            "expected_pay_minor": money.minor if isinstance(money, Money) else None,
            "expected_pay_currency": money.currency if isinstance(money, Money) else "",
        }

    def skills(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        chosen = [
            (str(data[f"skill_{row}"]).strip(), int(data[f"skill_{row}_level"]))
            for row in range(1, OWN_SKILL_ROWS + 1)
            if str(data.get(f"skill_{row}", "")).strip()
        ]
        return chosen
