"""Elara Onboarding's write side, one module per area (ADR 0010)."""
