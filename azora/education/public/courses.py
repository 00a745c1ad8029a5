"""Education's public functions for courses, enrolment, progress and search."""

__all__: list[str] = []
