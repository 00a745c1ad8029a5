"""Data migration: the agent roster (Elara, the default, and Kofi, Naledi, Themba, Sankofa).

Each agent's system prompt is `azora/agents/prompts/<slug>.md`; `tools` are the tool names of azora/agents/tools,
`intents` the intents of azora/agents/routing.py routed to the agent. Running it again adds what is missing and never
overwrites an edited row (get_or_create). The roster is documented in docs/agents.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

AGENTS: tuple[dict[str, Any], ...] = (
    {
        "slug": "elara",
        "name": "Elara",
        "role": "Tutor and coordinator: explains your courses with hints and guiding questions",
        "voice": "Warm, patient, encouraging and precise; teaches rather than hands out answers.",
        "tools": ["search_content", "learner_progress", "learner_grades", "explain_grade", "recommend_lessons"],
        "intents": ["tutoring"],
        "is_default": True,
        "position": 0,
    },
    {
        "slug": "kofi",
        "name": "Kofi",
        "role": "Money and rewards coach: your AZR wallet, rewards and money habits",
        "voice": "Friendly, practical and honest, careful with money.",
        "tools": ["wallet_balance", "rewards_summary", "search_content"],
        "intents": ["money"],
        "is_default": False,
        "position": 10,
    },
    {
        "slug": "naledi",
        "name": "Naledi",
        "role": "Career guide: skills for work, CVs, interviews and job matches from the marketplace",
        "voice": "Encouraging, realistic and respectful of every path into work.",
        "tools": ["job_matches", "learner_progress", "search_content"],
        "intents": ["career"],
        "is_default": False,
        "position": 20,
    },
    {
        "slug": "themba",
        "name": "Themba",
        "role": "Study coach: planning, motivation, deadlines and getting back on track",
        "voice": "Calm, steady and kind; a coach who believes in you.",
        "tools": ["learner_progress", "learner_grades", "recommend_lessons"],
        "intents": ["planning", "motivation"],
        "is_default": False,
        "position": 30,
    },
    {
        "slug": "sankofa",
        "name": "Sankofa",
        "role": "Storyteller: the history and context behind what you learn",
        "voice": "Vivid, curious and respectful, like a good teacher telling a story.",
        "tools": ["search_content"],
        "intents": ["history"],
        "is_default": False,
        "position": 40,
    },
)


def seed_agent_roster(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    Agent = apps.get_model("agents", "Agent")
    for fields in AGENTS:
        values = dict(fields)
        slug = values.pop("slug")
        Agent.objects.get_or_create(slug=slug, defaults=values)


def remove_agent_roster(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("agents", "Agent").objects.filter(slug__in=[a["slug"] for a in AGENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]

    operations = [migrations.RunPython(seed_agent_roster, remove_agent_roster)]
