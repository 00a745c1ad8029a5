"""The marketplace write side, one module per area."""
