"""App configuration for the Auth Service."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "azora.accounts"
    label = "accounts"
    verbose_name = "Auth Service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.accounts.demo import load_demo_data
        from azora.shared import demo

        # Accounts come first: every other app's demo data belongs to these users and organisations.
        demo.register("accounts", load_demo_data, order=10)
