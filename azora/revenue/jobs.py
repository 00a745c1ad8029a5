"""The revenue engine's periodic subscription jobs: renewals at period end and dunning retries."""
