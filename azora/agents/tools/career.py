"""Agent tools: career (being written by AGENTS-TOOLS)."""
