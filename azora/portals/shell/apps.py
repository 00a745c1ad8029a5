"""App configuration for the web shell shared by the portals."""

from django.apps import AppConfig


class ShellPortalConfig(AppConfig):
    name = "azora.portals.shell"
    label = "shell_portal"
    verbose_name = "Web shell"
