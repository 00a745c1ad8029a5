"""Helpers of the web shell's view tests."""

from __future__ import annotations

from urllib.parse import quote

HTMX = {"HX-Request": "true"}


def login_url(next_path: str) -> str:
    return f"/accounts/login/?next={quote(next_path)}"


def is_fragment(content: bytes) -> bool:
    """An HTMX answer: a piece of the page, without the document around it."""
    text = content.decode()
    return "<html" not in text and "<header" not in text and "<footer" not in text and "<main" not in text
