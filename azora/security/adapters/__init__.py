"""Adapters of Azora Aegis to outside systems: the counter stores behind the rate limits."""
