"""App configuration for Elara Onboarding: its subscribers and periodic jobs."""

from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "azora.onboarding"
    label = "onboarding"
    verbose_name = "Elara Onboarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.onboarding import wiring

        wiring.connect()
