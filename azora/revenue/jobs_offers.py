"""The revenue engine's periodic offer job: expiring upgrade offers."""
