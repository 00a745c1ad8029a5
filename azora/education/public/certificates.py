"""Education's public functions for certificates."""

__all__: list[str] = []
