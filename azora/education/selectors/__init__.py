"""Azora Education's read side, one module per area (courses, search, assessments, certificates)."""
