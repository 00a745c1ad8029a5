"""The marketplace read side, one module per area."""
