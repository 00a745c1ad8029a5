"""Settings modules: base (shared), embedded (laptop default), production (env-driven) and test."""
