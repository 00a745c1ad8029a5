"""The Education Revenue Engine's write side, one module per area (ADR 0010)."""
