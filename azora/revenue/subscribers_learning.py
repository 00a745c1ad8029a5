"""The revenue engine's handlers for Azora Education's events: learn-to-earn rewards and upgrade offers."""
