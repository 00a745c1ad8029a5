"""App configuration for Azora Education."""

from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "azora.education"
    label = "education"
    verbose_name = "Azora Education"
    default_auto_field = "django.db.models.BigAutoField"
