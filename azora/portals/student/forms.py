"""Forms of the Student Portal: they parse and check input; the Education service decides what it means."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core import validators
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
    prerequisites = forms.CharField(
        label=_("Prerequisite courses"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Courses to take first: the web address name of each (the part after /courses/), one per line. "
            "Learners see them on the course page."
        ),
    )

    instructors = forms.CharField(
        label=_("Instructors"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The email address of each instructor, one per line, in the order the course page lists them. "
            "Each needs the instructor role. Remove yourself and you can no longer edit the course."
        ),
    )

    def __init__(
        self,
        *args: object,
        categories: Sequence[tuple[str, str]] = (),
        with_instructors: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["category"].choices = [("", _("No category")), *categories]  # type: ignore[attr-defined]
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
        if not with_instructors:  # a new course is taught by its creator; others are added afterwards
            del self.fields["instructors"]

    def clean_instructors(self) -> list[str]:
        emails = list(dict.fromkeys(line.lower() for line in _lines(self.cleaned_data.get("instructors") or "")))
        if not emails:
            raise forms.ValidationError(_("A course needs at least one instructor."))
        if len(emails) > 20:
            raise forms.ValidationError(_("At most 20 instructors."))
        for email in emails:
            try:
                validators.validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(email)s” is not an email address.") % {"email": email}) from None
        return emails

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
        if any(len(tag) > 40 for tag in tags):
            raise forms.ValidationError(_("Each tag can have at most 40 characters."))
        return list(dict.fromkeys(tags))

    def clean_prerequisites(self) -> list[str]:
        slugs = list(dict.fromkeys(_lines(self.cleaned_data.get("prerequisites") or "")))
        for slug in slugs:
            if not re.fullmatch(r"[-a-zA-Z0-9_]+", slug):
                raise forms.ValidationError(
                    _("“%(slug)s” is not a web address name: use the part after /courses/.") % {"slug": slug}
                )
        if len(slugs) > 20:
            raise forms.ValidationError(_("At most 20 prerequisite courses."))
        return slugs

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


QUESTION_KINDS = (
    ("single_choice", _("Single choice")),
    ("multiple_choice", _("Multiple choice")),
    ("true_false", _("True or false")),
    ("numeric", _("Number")),
    ("short_text", _("Short text")),
    ("ordering", _("Put in order")),
    ("free_text", _("Free text, graded by rubric")),
)
QUESTION_KIND_LABELS = dict(QUESTION_KINDS)
# Which of QuestionForm's own fields each kind uses (the others are removed).
KIND_FIELDS = {
    "single_choice": ("options",),
    "multiple_choice": ("options",),
    "true_false": ("correct",),
    "numeric": ("value", "tolerance"),
    "short_text": ("accepted", "match"),
    "ordering": ("items", "rule"),
    "free_text": ("rubric",),
}
# The Education service's names for the parts of a question, as this form's fields.
QUESTION_FIELD_ALIASES = {"correct": "options", "definition": "prompt", "kind": "prompt"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _option_id(index: int) -> str:
    """a, b, ..., z, then o27, o28...: short, stable ids for the options of one question."""
    return chr(ord("a") + index) if index < 26 else f"o{index + 1}"


def _stable_ids(texts: Sequence[str], previous: object) -> list[str]:
    """Ids for options (or items) in order: a text that the previous definition had keeps its id, others get the
    first unused short id."""
    earlier: dict[str, str] = {}
    if isinstance(previous, list):
        for entry in previous:
            if isinstance(entry, Mapping) and isinstance(entry.get("text"), str) and isinstance(entry.get("id"), str):
                earlier.setdefault(str(entry["text"]), str(entry["id"]))
    ids: list[str] = []
    for text in texts:
        kept = earlier.pop(text, None)
        ids.append(kept if kept is not None and kept not in ids else "")
    taken = set(ids)
    counter = 0
    for index, value in enumerate(ids):
        if not value:
            while _option_id(counter) in taken or _option_id(counter) in earlier.values():
                counter += 1
            ids[index] = _option_id(counter)
            taken.add(ids[index])
    return ids


def question_initial(kind: str, question: object) -> dict[str, object]:
    """A bank question (an Education `QuestionAuthorView`) as QuestionForm's initial data: the same plain lines
    an author writes, `*` before right options, `points | description` per rubric line."""
    definition: Mapping[str, object] = getattr(question, "definition", {}) or {}
    initial: dict[str, object] = {
        "prompt": getattr(question, "prompt", ""),
        "points": getattr(question, "points", None),
        "feedback": getattr(question, "feedback", ""),
    }
    entries = definition.get("options") or definition.get("items") or definition.get("rubric") or []
    rows = [entry for entry in entries if isinstance(entry, Mapping)] if isinstance(entries, list) else []
    if kind in ("single_choice", "multiple_choice"):
        correct = definition.get("correct")
        right = {correct} if isinstance(correct, str) else set(correct) if isinstance(correct, list) else set()
        initial["options"] = "\n".join(f"{'*' if row.get('id') in right else ''}{row.get('text', '')}" for row in rows)
    elif kind == "true_false":
        initial["correct"] = "true" if definition.get("correct") is True else "false"
    elif kind == "numeric":
        initial["value"] = definition.get("value")
        initial["tolerance"] = definition.get("tolerance")
    elif kind == "short_text":
        accepted = definition.get("accepted")
        initial["accepted"] = "\n".join(str(text) for text in accepted) if isinstance(accepted, list) else ""
        initial["match"] = definition.get("match", "casefold")
    elif kind == "ordering":
        initial["items"] = "\n".join(str(row.get("text", "")) for row in rows)
        initial["rule"] = definition.get("rule", "all_or_nothing")
    elif kind == "free_text":
        initial["rubric"] = "\n".join(f"{row.get('points', '')} | {row.get('description', '')}" for row in rows)
    return initial


class QuestionKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QUESTION_KINDS)


class QuestionForm(forms.Form):
    """A bank question of one kind: the prompt, points and feedback, and that kind's answer written as plain text."""

    prompt = forms.CharField(label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    points = forms.DecimalField(
        label=_("Points"),
        min_value=Decimal("0.01"),
        max_value=1000,
        decimal_places=2,
        required=False,
        help_text=_("1 when left empty."),
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option per line. Start each right answer with an asterisk (*)."),
    )
    correct = forms.ChoiceField(label=_("The statement is"), choices=(("true", _("True")), ("false", _("False"))))
    value = forms.DecimalField(label=_("Right answer"), max_digits=30, decimal_places=10)
    tolerance = forms.DecimalField(
        label=_("Tolerance (±)"),
        min_value=0,
        max_digits=30,
        decimal_places=10,
        required=False,
        help_text=_("How far from the answer a number may be and still count; 0 when left empty."),
    )
    accepted = forms.CharField(
        label=_("Accepted answers"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    match = forms.ChoiceField(
        label=_("Compare answers"),
        choices=(
            ("casefold", _("Ignoring case and extra spaces")),
            ("exact", _("Exactly")),
            ("regex", _("As a regular expression")),
        ),
    )
    items = forms.CharField(
        label=_("Items in the right order"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One per line.")
    )
    rule = forms.ChoiceField(
        label=_("Credit"),
        choices=(
            ("all_or_nothing", _("Only for the whole order right")),
            ("position", _("For each item in its place")),
        ),
    )
    rubric = forms.CharField(
        label=_("Rubric"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One criterion per line: points, a vertical bar, then what earns them. Example: 2 | Names two needs"
        ),
    )
    feedback = forms.CharField(
        label=_("Feedback after the attempt"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: object, kind: str, previous: Mapping[str, object] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.kind = kind
        # When editing: the stored definition, so that an option or item whose text is unchanged keeps its id
        # (answers saved in open attempts keep meaning the same option).
        self.previous = previous or {}
        kept = {"prompt", "points", "feedback", *KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in kept:
                del self.fields[name]
        if kind == "free_text":
            del self.fields["points"]  # the rubric's points add up to the question's

    def clean_options(self) -> list[dict[str, object]]:
        lines = _lines(self.cleaned_data["options"])
        if len(lines) < 2:
            raise forms.ValidationError(_("Write at least two options, one per line."))
        ids = _stable_ids([line.removeprefix("*").strip() for line in lines], self.previous.get("options"))
        options = [
            {"id": ids[i], "text": line.removeprefix("*").strip(), "correct": line.startswith("*")}
            for i, line in enumerate(lines)
        ]
        right = [option for option in options if option["correct"]]
        if not right:
            raise forms.ValidationError(_("Mark the right answer with an asterisk (*) at the start of its line."))
        if self.kind == "single_choice" and len(right) > 1:
            raise forms.ValidationError(_("A single-choice question has exactly one right answer."))
        return options

    def clean_rubric(self) -> list[dict[str, str]]:
        criteria = []
        for index, line in enumerate(_lines(self.cleaned_data["rubric"])):
            points, separator, description = line.partition("|")
            if not separator or not description.strip():
                raise forms.ValidationError(
                    _("Line %(line)d needs points, a vertical bar (|) and a description.") % {"line": index + 1}
                )
            criteria.append({"id": f"c{index + 1}", "points": points.strip(), "description": description.strip()})
        if not criteria:
            raise forms.ValidationError(_("Write at least one criterion."))
        return criteria

    def definition(self) -> dict[str, object]:
        """The question's definition in the Education service's form."""
        data = self.cleaned_data
        if self.kind in ("single_choice", "multiple_choice"):
            options = data["options"]
            shown = [{"id": option["id"], "text": option["text"]} for option in options]
            right = [option["id"] for option in options if option["correct"]]
            return {"options": shown, "correct": right[0] if self.kind == "single_choice" else right}
        if self.kind == "true_false":
            return {"correct": data["correct"] == "true"}
        if self.kind == "numeric":
            return {"value": str(data["value"]), "tolerance": str(data["tolerance"] or 0)}
        if self.kind == "short_text":
            return {"accepted": _lines(data["accepted"]), "match": data["match"]}
        if self.kind == "ordering":
            texts = _lines(data["items"])
            ids = _stable_ids(texts, self.previous.get("items"))
            items = [{"id": ids[i], "text": line} for i, line in enumerate(texts)]
            return {"items": items, "rule": data["rule"]}
        return {"rubric": data["rubric"]}


class AssessmentForm(forms.Form):
    """An assessment's settings and the bank questions it uses."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Instructions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    module = forms.ChoiceField(label=_("Module"), required=False)
    questions = forms.MultipleChoiceField(label=_("Questions"), widget=forms.CheckboxSelectMultiple, required=False)
    selection = forms.ChoiceField(
        label=_("Questions shown"),
        choices=(("fixed", _("All the chosen questions, in order")), ("random", _("A random draw from them"))),
    )
    draw_count = forms.IntegerField(
        label=_("How many to draw"), min_value=1, max_value=500, required=False, help_text=_("For a random draw.")
    )
    passing_percent = forms.DecimalField(label=_("Pass mark (%)"), min_value=0, max_value=100, decimal_places=2)
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("No limit when left empty."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        min_value=1,
        max_value=10080,
        required=False,
        help_text=_("No time limit when left empty."),
    )
    is_required = forms.BooleanField(label=_("Required to complete the course"), required=False)
    category = forms.CharField(
        label=_("Grade category"), max_length=80, help_text=_("For example Quizzes or Final exam.")
    )
    weight = forms.DecimalField(
        label=_("Weight in its category"), min_value=Decimal("0.01"), max_value=1000, decimal_places=2
    )

    ALIASES = {"module_id": "module", "question_ids": "questions", "time_limit_seconds": "time_limit_minutes"}

    def __init__(
        self,
        *args: object,
        modules: Sequence[tuple[str, str]] = (),
        questions: Sequence[tuple[str, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["module"].choices = [("", _("The whole course")), *modules]  # type: ignore[attr-defined]
        self.fields["questions"].choices = list(questions)  # type: ignore[attr-defined]

    def assessment_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        minutes = data["time_limit_minutes"]
        return {
            "title": data["title"],
            "description": data["description"],
            "module_id": data["module"] or None,
            "question_ids": list(data["questions"]),
            "selection": data["selection"],
            "draw_count": data["draw_count"],
            "passing_percent": str(data["passing_percent"]),
            "max_attempts": data["max_attempts"],
            "time_limit_seconds": minutes * 60 if minutes else None,
            "is_required": data["is_required"],
            "category": data["category"],
            "weight": str(data["weight"]),
        }


class RubricGradeForm(forms.Form):
    """Points per rubric criterion for one free-text answer, and a comment for the learner."""

    comment = forms.CharField(
        label=_("Comment for the learner"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, rubric: Sequence[Mapping[str, object]] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.criteria = list(rubric)
        for criterion in self.criteria:
            maximum = Decimal(str(criterion.get("points", "0")))
            self.fields[f"c-{criterion['id']}"] = forms.DecimalField(
                label=_("%(criterion)s (0 to %(points)s)")
                % {"criterion": criterion.get("description", ""), "points": maximum.normalize()},
                min_value=0,
                max_value=maximum,
                decimal_places=2,
            )
        self.fields["comment"] = self.fields.pop("comment")  # after the criteria

    def points(self) -> dict[str, str]:
        return {str(criterion["id"]): str(self.cleaned_data[f"c-{criterion['id']}"]) for criterion in self.criteria}


class GradeOverrideForm(forms.Form):
    """An instructor's override of a learner's course grade: the new grade and why (both required, audited)."""

    percent = forms.DecimalField(
        label=_("New course grade (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. The learner sees it beside the grade, and it stays in the audit trail."),
    )


class RevokeCertificateForm(forms.Form):
    """Why a certificate is revoked; the public verify page shows the reason."""

    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Anyone who opens the certificate's verify page reads it. Revoking cannot be undone."),
    )


class CoverForm(forms.Form):
    """A course cover image; the Education service checks its type (by content) and size."""

    file = forms.FileField(
        label=_("Cover image"),
        help_text=_("PNG, JPEG or WebP, at most 2 MiB. Wide images (about 16:9) look best."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class AttachmentForm(forms.Form):
    """A file learners can download from a lesson; the Education service checks its type and size."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, text, Markdown, CSV, ZIP, PNG, JPEG, Word, Excel or PowerPoint, at most 20 MiB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.txt,.md,.csv,.zip,.png,.jpg,.jpeg,.docx,.xlsx,.pptx"}),
    )
