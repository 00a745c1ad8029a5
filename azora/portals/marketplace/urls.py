"""The Marketplace UI's pages, under /market/ (owner: MARKET-UI)."""

from django.urls import path

app_name = "market"

urlpatterns: list = []
