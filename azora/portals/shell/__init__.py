"""The web shell shared by the five portals: base layout, account and security pages, PWA."""
