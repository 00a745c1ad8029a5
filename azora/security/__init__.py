"""Azora Aegis: rate limits, abuse detection, security headers, security events and the audit trail."""
