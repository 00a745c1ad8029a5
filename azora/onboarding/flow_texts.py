"""The English texts of the flow catalogue (migration 0002), marked for the translation catalogs.

Flows keep English in the database; `flows.translated` looks a title or guide up here and translates it when it
is read. A text an admin writes later is shown as written. tests/flows/test_catalogue.py keeps this list equal to
the migration's texts.
"""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_noop

KNOWN_TEXTS: Final = frozenset(
    {
        gettext_noop("Learner onboarding"),
        gettext_noop("Welcome to Azora"),
        gettext_noop(
            "Hello, I'm Elara. I'll help you set up Azora in a few short steps. You can stop at any "
            "time and pick up where you left off."
        ),
        gettext_noop("Your profile"),
        gettext_noop(
            "Tell me the name you would like me to use and the country you live in, so that prices and "
            "examples fit where you are."
        ),
        gettext_noop("Goals and interests"),
        gettext_noop(
            "What would you like to achieve: a job, an exam, a new skill? Name a goal or two and the "
            "subjects that interest you. I will remember them to suggest courses; you can see and erase"
            " what I remember at any time."
        ),
        gettext_noop("Your language"),
        gettext_noop(
            "Which language would you like to learn in? I will answer you in it, and Azora will show its pages in it."
        ),
        gettext_noop("Placement"),
        gettext_noop(
            "A short quiz of 10 to 20 questions tells me where to start you in each subject; each "
            "question follows from your previous answers. You can skip it and start from the beginning "
            "instead."
        ),
        gettext_noop("Choose your plan"),
        gettext_noop(
            "Start free, with five new courses and ten questions to me each month, or choose Pro for "
            "unlimited courses and many more questions. You can change your plan at any time."
        ),
        gettext_noop("Your first lesson"),
        gettext_noop("Pick the first course of your learning path, and I will open its first lesson for you."),
        gettext_noop("Instructor onboarding"),
        gettext_noop("Your credentials"),
        gettext_noop(
            "Tell learners why you can teach your subject: your experience and qualifications, with "
            "links to a portfolio or a profile if you have them."
        ),
        gettext_noop("Instructor terms"),
        gettext_noop(
            "Please read the terms: they say what Azora does for you and what we ask of you. Accepting "
            "them records the version and the time."
        ),
        gettext_noop("Payout details"),
        gettext_noop(
            "Where should we pay your earnings? Give a bank account or a mobile money number; we keep "
            "only its last four digits here. You can add this later."
        ),
        gettext_noop("Your first course draft"),
        gettext_noop(
            "Give your first course a title and a one-line summary. It stays a draft, seen only by you,"
            " until you publish it."
        ),
        gettext_noop("Organisation onboarding"),
        gettext_noop("Your organisation"),
        gettext_noop("What is your organisation called? You will be its owner, and you can invite your team next."),
        gettext_noop("Verification"),
        gettext_noop(
            "Give your organisation's web domain or its registration number. Our team reviews it and "
            "marks your organisation as verified."
        ),
        gettext_noop("Organisation terms"),
        gettext_noop("Invite your team"),
        gettext_noop("Invite colleagues and learners by email; each gets a link that works for seven days."),
        gettext_noop("Single sign-on (later)"),
        gettext_noop(
            "Your team can sign in with your own identity provider. You can set up single sign-on later"
            " in your organisation's settings; nothing is needed now."
        ),
    }
)
