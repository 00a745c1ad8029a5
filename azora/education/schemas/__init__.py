"""Request and response shapes of Azora Education's API, one module per area."""
