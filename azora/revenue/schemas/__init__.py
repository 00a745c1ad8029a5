"""Request and response schemas of the revenue API, one module per area."""
