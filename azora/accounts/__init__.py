"""Auth Service: users, organisations, memberships and roles, MFA, SSO, API keys, sessions and tokens."""
