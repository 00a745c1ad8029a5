"""Elara Onboarding's read side, one module per area (ADR 0010)."""
