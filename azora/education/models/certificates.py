"""Education tables for certificates."""

__all__: list[str] = []
