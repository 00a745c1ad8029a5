"""Request and response schemas of the onboarding API, one module per area."""
