"""Education tables for courses."""

__all__: list[str] = []
