"""Education's public functions for assessments and grades."""

__all__: list[str] = []
