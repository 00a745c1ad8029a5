"""Tests of the counter stores."""
