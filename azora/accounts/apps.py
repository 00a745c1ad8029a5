"""App configuration for the Auth Service."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "azora.accounts"
    label = "accounts"
    verbose_name = "Auth Service"
    default_auto_field = "django.db.models.BigAutoField"
