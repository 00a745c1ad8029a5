"""Constitutional AI's part of data protection: the decisions taken on the person's texts, for their export.

Decisions are a sealed, hash-chained audit and are kept unchanged: they name the person by id only, hold
hashes of the texts, and the texts themselves only when AZORA_CONSTITUTION_AUDIT_TEXTS allows (redacted).
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.constitution.models import DecisionRecord
from azora.security.public import export_rows, register_exporter


def export_constitution_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "decisions": export_rows(
            DecisionRecord.objects.filter(user_id=user_id).order_by("-created_at"),
            [
                "id",
                "created_at",
                "surface",
                "purpose",
                "role",
                "action",
                "passed",
                "violations",
                "input_text",
                "output_text",
            ],
        ),
    }


register_exporter("constitution", export_constitution_data)
