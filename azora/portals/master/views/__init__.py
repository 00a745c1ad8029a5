"""The Master UI's views, one module per area."""
