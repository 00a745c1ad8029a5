"""Azora Education's write side, one module per area (courses, enrollment, progress, assessments, certificates)."""
