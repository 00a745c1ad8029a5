"""Outside systems that Azora Finance talks to, each behind a small Protocol: payout providers (payouts.py)."""
