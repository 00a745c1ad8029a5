"""App configuration for API Gateway."""

from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "azora.gateway"
    label = "gateway"
    verbose_name = "API Gateway"
    default_auto_field = "django.db.models.BigAutoField"
