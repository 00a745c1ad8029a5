"""Request and response schemas of the agents API, one module per area."""
