"""The narrow settings onboarding's flows work with: idle days, terms version, languages, student domains."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

DEFAULT_ABANDON_AFTER_DAYS = 14
DEFAULT_TERMS_VERSION = "2026-11"
# The same default as the revenue engine's student pricing (AZORA_REVENUE_STUDENT_DOMAINS).
DEFAULT_STUDENT_DOMAINS = "ac.za,.edu"


@dataclass(frozen=True, slots=True)
class FlowsConfig:
    abandon_after_days: int
    terms_version: str
    languages: dict[str, str]  # code -> English name, the languages Azora offers (settings.LANGUAGES)
    student_domains: tuple[str, ...]  # without a leading dot: "ac.za", "edu"


def _csv(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip().lower().lstrip(".") for item in items if item.strip())


def flows_config() -> FlowsConfig:
    with translation.override("en"):
        languages = {str(code): str(name) for code, name in settings.LANGUAGES}
    return FlowsConfig(
        abandon_after_days=int(getattr(settings, "AZORA_ONBOARDING_ABANDON_AFTER_DAYS", DEFAULT_ABANDON_AFTER_DAYS)),
        terms_version=str(getattr(settings, "AZORA_ONBOARDING_TERMS_VERSION", DEFAULT_TERMS_VERSION)),
        languages=languages,
        student_domains=_csv(getattr(settings, "AZORA_REVENUE_STUDENT_DOMAINS", DEFAULT_STUDENT_DOMAINS)),
    )
