"""Agent tools: money (being written by AGENTS-TOOLS)."""
