"""Azora Finance's handlers for other apps' events: every new user gets an AZR wallet."""

from __future__ import annotations

from azora.accounts.events import UserSignedUp
from azora.finance import services
from azora.shared.events import subscriber


@subscriber(UserSignedUp, name="finance.create_wallet_on_sign_up")
def create_wallet_on_sign_up(event: UserSignedUp) -> None:
    services.wallet_create_for_new_user(user_id=event.user_id)
