"""Azora Finance's event handlers: every new user gets an AZR wallet; every posted transfer passes the AML rule."""

from __future__ import annotations

from azora.accounts.events import UserSignedUp
from azora.finance import aml, services
from azora.finance.events import TransferPosted
from azora.shared.events import subscriber


@subscriber(UserSignedUp, name="finance.create_wallet_on_sign_up")
def create_wallet_on_sign_up(event: UserSignedUp) -> None:
    services.wallet_create_for_new_user(user_id=event.user_id)


@subscriber(TransferPosted, name="finance.check_aml_on_transfer_posted")
def check_aml_on_transfer_posted(event: TransferPosted) -> None:
    # After commit, from the outbox: the rule only ever records, so the transfer itself never waits for it.
    aml.transfer_check(transfer_id=event.transfer_id)
