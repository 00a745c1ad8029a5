"""The Auth Service's contract for other apps: principals, permission checks, users, organisations, keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

AuthMethod = Literal["session", "jwt", "api_key"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user (session, JWT or personal key) or an organisation (organisation key).

    `scopes` is None for sessions and JWTs (the user's full rights); API keys carry their scopes.
    """

    via: AuthMethod
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    scopes: frozenset[str] | None = None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes
