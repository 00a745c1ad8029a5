"""Agent tools: content (being written by AGENTS-TOOLS)."""
