"""Tests of Azora Aegis."""
