"""The Education Revenue Engine's contract for other apps and the portals: each area's functions and dataclasses."""
