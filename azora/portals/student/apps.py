"""App configuration for the Student Portal."""

from django.apps import AppConfig


class StudentPortalConfig(AppConfig):
    name = "azora.portals.student"
    label = "student_portal"
    verbose_name = "Student Portal"
