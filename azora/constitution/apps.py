"""App configuration for Constitutional AI: the constitution, its rails, and the decisions audit."""

from django.apps import AppConfig


class ConstitutionConfig(AppConfig):
    name = "azora.constitution"
    label = "constitution"
    verbose_name = "Constitutional AI"
    default_auto_field = "django.db.models.BigAutoField"
