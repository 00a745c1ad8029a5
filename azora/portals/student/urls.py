"""Pages of the student portal."""

from django.urls import URLPattern

app_name = "student"

urlpatterns: list[URLPattern] = []
