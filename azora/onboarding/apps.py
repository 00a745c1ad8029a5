"""App configuration for Elara Onboarding: its subscribers and periodic jobs."""

from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "azora.onboarding"
    label = "onboarding"
    verbose_name = "Elara Onboarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.onboarding import wiring
        from azora.onboarding.demo import load_demo_data
        from azora.shared import demo

        wiring.connect()
        # After the agents demo (70): the learner's onboarding, placement and learning path.
        demo.register("onboarding", load_demo_data, order=80)
