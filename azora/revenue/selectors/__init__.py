"""The Education Revenue Engine's read side, one module per area (ADR 0010)."""
