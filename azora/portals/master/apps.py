"""App configuration for the Master UI."""

from django.apps import AppConfig


class MasterPortalConfig(AppConfig):
    name = "azora.portals.master"
    label = "master_portal"
    verbose_name = "Master UI"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from azora.portals.master.signals import remember_operator_flag

        user_logged_in.connect(remember_operator_flag, dispatch_uid="master_portal.remember_operator_flag")
