"""The revenue engine's periodic earnings job: releasing instructor shares after the refund hold."""
