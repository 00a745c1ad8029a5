"""The Marketplace UI views, one module per area."""
