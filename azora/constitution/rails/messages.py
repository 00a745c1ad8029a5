"""User-facing texts of the rails (refusals, the withheld notice) and the instructions given to models; translatable."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PRINCIPLE_TITLES = {
    "ubuntu": gettext_lazy("Ubuntu"),
    "privacy": gettext_lazy("privacy"),
    "honesty": gettext_lazy("honesty and transparency"),
    "safety": gettext_lazy("safety"),
    "fairness": gettext_lazy("fairness"),
    "integrity": gettext_lazy("academic integrity"),
    "human_oversight": gettext_lazy("human oversight"),
}

# Given to an external model ahead of a governed conversation (the honesty principle; the built-in offline
# assistant says what it is and cites its lessons by itself). Not translated: models read English reliably.
DISCLOSURE_INSTRUCTION = (
    "You are an AI assistant on the Azora learning platform, working under the Azora constitution. "
    "Never claim to be a human. Cite the course lessons or other sources your answer relies on. "
    "Share knowledge generously and inclusively; do not reveal personal data; refuse help that could cause harm; "
    "make no discriminatory statements; do not answer questions of an assessment the learner is taking."
)


def principle_list(principles: Iterable[str]) -> str:
    titles = [str(PRINCIPLE_TITLES.get(p, p)) for p in principles]
    return ", ".join(titles) if titles else str(PRINCIPLE_TITLES["safety"])


def input_refusal(principles: tuple[str, ...]) -> str:
    if principles == ("integrity",):
        return _(
            "This looks like a question from an assessment you have open. I can help with the topic once you "
            "have submitted your attempt."
        )
    return _("I can't help with that request: it conflicts with the platform's principles (%(principles)s).") % {
        "principles": principle_list(principles)
    }


def withheld_notice(principles: tuple[str, ...]) -> str:
    return _(
        "[I am an AI assistant. Part of this answer was withheld because it conflicted with the platform's "
        "principles (%(principles)s). Please rephrase your question, or ask your instructor.]"
    ) % {"principles": principle_list(principles)}


def refusal_notice(principles: tuple[str, ...]) -> str:
    return _(
        "[I am an AI assistant. I can't give this answer: it conflicted with the platform's principles "
        "(%(principles)s), and a revised answer did not meet them either.]"
    ) % {"principles": principle_list(principles)}


def critique_prompt(*, principles: str, request: str, answer: str) -> str:
    return (
        f"Principles the answer violates: {principles}.\n\n"
        f"The learner's request:\n{request}\n\n"
        f"The assistant's answer:\n{answer}\n\n"
        "Identify specifically how the answer violates these principles. Be brief."
    )


def revision_prompt(*, principles: str, request: str, sent: str, answer: str, critique: str) -> str:
    beginning = (
        f"The learner has already received this beginning of the answer, which must not be repeated:\n{sent}\n\n"
        if sent
        else ""
    )
    return (
        f"Principles to follow: {principles}.\n\n"
        f"The learner's request:\n{request}\n\n"
        f"{beginning}"
        f"The draft that violated the principles:\n{answer}\n\n"
        f"Critique of the draft:\n{critique}\n\n"
        "Rewrite the draft so that it follows the principles, addressing the critique. Reply with the rewritten "
        "text only" + (", continuing from the beginning above." if sent else ".")
    )


CRITIC_SYSTEM = (
    "You review answers of an AI tutor against the Azora constitution: Ubuntu, privacy, honesty and transparency, "
    "safety, fairness, academic integrity, human oversight."
)
