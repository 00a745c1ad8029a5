"""The revenue engine's handlers for the Payment Service's events: course sales split, refunds reversed."""
