"""App configuration for the Payment Service: demo data (a sandbox top-up with its receipt)."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "azora.payments"
    label = "payments"
    verbose_name = "Payment Service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.payments.demo import load_demo_data
        from azora.shared import demo

        # After accounts (10) and finance (30): the demo learner pays into their ledger wallet.
        demo.register("payments", load_demo_data, order=40)
