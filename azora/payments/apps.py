"""App configuration for the Payment Service."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "azora.payments"
    label = "payments"
    verbose_name = "Payment Service"
    default_auto_field = "django.db.models.BigAutoField"
