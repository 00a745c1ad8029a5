"""Forms of the Student Portal: they parse and check input; the Education service decides what it means."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

LEVELS = (
    ("beginner", _("Beginner")),
    ("intermediate", _("Intermediate")),
    ("advanced", _("Advanced")),
    ("expert", _("Expert")),
)
LEVEL_LABELS = dict(LEVELS)
SORTS = (("relevance", _("Best match")), ("newest", _("Newest")), ("popular", _("Most popular")))
PRICES = (("", _("Free or paid")), ("free", _("Free")), ("paid", _("Paid")))


def language_choices() -> list[tuple[str, str]]:
    """The platform's languages, each in its own name."""
    return [(code, str(LANG_INFO.get(code, {}).get("name_local", name))) for code, name in settings.LANGUAGES]


class CatalogueForm(forms.Form):
    """The catalogue's search, filters and sort: a GET form that works without JavaScript."""

    q = forms.CharField(label=_("Search courses"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=(("", _("Any level")), *LEVELS), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    price = forms.ChoiceField(label=_("Price"), choices=PRICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    cursor = forms.CharField(required=False, max_length=1024, widget=forms.HiddenInput)

    def __init__(self, *args: object, categories: Sequence[tuple[str, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off", "enterkeyhint": "search"})

    def search_arguments(self) -> dict[str, object]:
        """The cleaned input as `course_search` keyword arguments (empty filters are None)."""
        data = self.cleaned_data
        return {
            "query": data["q"].strip() or None,
            "category": data["category"] or None,
            "level": data["level"] or None,
            "language": data["language"] or None,
            "price": data["price"] or None,
            "sort": data["sort"] or "relevance",
            "cursor": data["cursor"] or None,
        }


class CourseForm(forms.Form):
    """A course's catalogue facts, as an instructor writes them."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address name"),
        max_length=120,
        required=False,
        help_text=_("Lower-case letters, digits and hyphens; left empty, it is made from the title."),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=500, required=False, help_text=_("One or two sentences for the catalogue.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LEVELS)
    language = forms.ChoiceField(label=_("Language"))
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas."))
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours"), min_value=0, max_value=10000, max_digits=6, decimal_places=1, required=False
    )

    def __init__(self, *args: object, categories: Sequence[tuple[str, str]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["category"].choices = [("", _("No category")), *categories]  # type: ignore[attr-defined]
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
        if any(len(tag) > 40 for tag in tags):
            raise forms.ValidationError(_("Each tag can have at most 40 characters."))
        return list(dict.fromkeys(tags))

    def course_fields(self) -> dict[str, object]:
        """The cleaned input as `course_create`/`course_update` keyword arguments."""
        data = dict(self.cleaned_data)
        fields: dict[str, object] = {
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "category": data["category"] or None,
            "level": data["level"],
            "language": data["language"],
            "tags": data["tags"],
            "estimated_hours": data["estimated_hours"] or 0,
        }
        if data.get("slug"):
            fields["slug"] = data["slug"]
        return fields


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)
    summary = forms.CharField(label=_("Module summary"), max_length=500, required=False)


class LessonForm(forms.Form):
    """A lesson: Markdown (rendered and sanitised by the Education service), an optional video, a time."""

    title = forms.CharField(label=_("Lesson title"), max_length=200)
    body_markdown = forms.CharField(
        label=_("Lesson text (Markdown)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=_("Headings with #, lists with -, code between backticks. HTML scripts are removed."),
    )
    video_url = forms.URLField(label=_("Video address"), required=False, max_length=500, assume_scheme="https")
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=0, max_value=1000, required=False)
    is_required = forms.BooleanField(label=_("Required to complete the course"), required=False, initial=True)

    def lesson_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body_markdown": data["body_markdown"],
            "video_url": data["video_url"],
            "estimated_minutes": data["estimated_minutes"] or 0,
            "is_required": data["is_required"],
        }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=(("up", _("Up")), ("down", _("Down"))))
