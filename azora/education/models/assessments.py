"""Education tables for assessments."""

__all__: list[str] = []
