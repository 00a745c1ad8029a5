"""Education's non-API public URLs (the issuer's JWKS)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
