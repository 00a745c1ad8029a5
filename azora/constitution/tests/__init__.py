"""Tests of Constitutional AI."""
