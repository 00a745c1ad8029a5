"""Data migration: the three onboarding flows (learner, instructor, organisation) with their steps.

Titles and guides are stored in English; they are translated when read (azora/onboarding/flow_texts.py lists them
for the catalogs, and a test keeps both lists equal). Platform admins edit flows in the admin afterwards (an edit of
the steps raises the flow's version; sessions in progress keep the steps they started with). Running this again
adds a missing flow and never overwrites an edited one (get_or_create). See docs/onboarding.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _step(slug: str, title: str, skippable: bool, guide: str, kind: str | None = None) -> dict[str, Any]:
    return {"slug": slug, "title": title, "kind": kind or slug, "skippable": skippable, "guide": guide}


WELCOME_GUIDE = (
    "Hello, I'm Elara. I'll help you set up Azora in a few short steps. You can stop at any time and pick up where "
    "you left off."
)
PROFILE_GUIDE = (
    "Tell me the name you would like me to use and the country you live in, so that prices and examples fit where "
    "you are."
)
TERMS_GUIDE = (
    "Please read the terms: they say what Azora does for you and what we ask of you. Accepting them records the "
    "version and the time."
)

FLOWS: tuple[dict[str, Any], ...] = (
    {
        "slug": "learner",
        "title": "Learner onboarding",
        "steps": [
            _step("welcome", "Welcome to Azora", False, WELCOME_GUIDE),
            _step("profile", "Your profile", False, PROFILE_GUIDE),
            _step(
                "goals",
                "Goals and interests",
                True,
                "What would you like to achieve: a job, an exam, a new skill? Name a goal or two and the subjects "
                "that interest you. I will remember them to suggest courses; you can see and erase what I remember "
                "at any time.",
            ),
            _step(
                "language",
                "Your language",
                True,
                "Which language would you like to learn in? I will answer you in it, and Azora will show its pages "
                "in it.",
            ),
            _step(
                "placement",
                "Placement",
                True,
                "A short quiz of 10 to 20 questions tells me where to start you in each subject; each question "
                "follows from your previous answers. You can skip it and start from the beginning instead.",
            ),
            _step(
                "plan",
                "Choose your plan",
                False,
                "Start free, with five new courses and ten questions to me each month, or choose Pro for unlimited "
                "courses and many more questions. You can change your plan at any time.",
            ),
            _step(
                "first_lesson",
                "Your first lesson",
                True,
                "Pick the first course of your learning path, and I will open its first lesson for you.",
            ),
        ],
    },
    {
        "slug": "instructor",
        "title": "Instructor onboarding",
        "steps": [
            _step("welcome", "Welcome to Azora", False, WELCOME_GUIDE),
            _step("profile", "Your profile", False, PROFILE_GUIDE),
            _step(
                "credentials",
                "Your credentials",
                False,
                "Tell learners why you can teach your subject: your experience and qualifications, with links to a "
                "portfolio or a profile if you have them.",
            ),
            _step("terms", "Instructor terms", False, TERMS_GUIDE),
            _step(
                "payout",
                "Payout details",
                True,
                "Where should we pay your earnings? Give a bank account or a mobile money number; we keep only its "
                "last four digits here. You can add this later.",
            ),
            _step(
                "first_course",
                "Your first course draft",
                True,
                "Give your first course a title and a one-line summary. It stays a draft, seen only by you, until "
                "you publish it.",
            ),
        ],
    },
    {
        "slug": "organisation",
        "title": "Organisation onboarding",
        "steps": [
            _step("welcome", "Welcome to Azora", False, WELCOME_GUIDE),
            _step(
                "organisation",
                "Your organisation",
                False,
                "What is your organisation called? You will be its owner, and you can invite your team next.",
            ),
            _step(
                "verification",
                "Verification",
                True,
                "Give your organisation's web domain or its registration number. Our team reviews it and marks your "
                "organisation as verified.",
            ),
            _step("terms", "Organisation terms", False, TERMS_GUIDE),
            _step(
                "invite_members",
                "Invite your team",
                True,
                "Invite colleagues and learners by email; each gets a link that works for seven days.",
            ),
            _step(
                "sso",
                "Single sign-on (later)",
                True,
                "Your team can sign in with your own identity provider. You can set up single sign-on later in "
                "your organisation's settings; nothing is needed now.",
            ),
        ],
    },
)


def seed_flow_catalogue(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    Flow = apps.get_model("onboarding", "Flow")
    for flow in FLOWS:
        values = dict(flow)
        slug = values.pop("slug")
        Flow.objects.get_or_create(slug=slug, defaults={**values, "version": 1, "is_active": True})


def remove_flow_catalogue(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Back out only the flows no session uses (a flow with sessions is PROTECTed and stays)."""
    Flow = apps.get_model("onboarding", "Flow")
    OnboardingSession = apps.get_model("onboarding", "OnboardingSession")
    used = set(OnboardingSession.objects.values_list("flow_id", flat=True))
    Flow.objects.filter(slug__in=[flow["slug"] for flow in FLOWS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]

    operations = [migrations.RunPython(seed_flow_catalogue, remove_flow_catalogue)]
