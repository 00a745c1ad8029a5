"""Agent tools: learning (being written by AGENTS-TOOLS)."""
