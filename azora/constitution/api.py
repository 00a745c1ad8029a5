"""Constitutional AI's /api/v1/constitution endpoints: validate a text, read the constitution, review decisions."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["constitution"])
