"""AI Routing's write side: chat (routing, budgets, guards, usage), providers and budgets."""
