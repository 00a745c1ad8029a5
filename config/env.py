"""The only reader of the process environment: typed accessors for every option Azora understands."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def required(name: str) -> str:
    """A value production cannot start without; fails at start-up, never at first use."""
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in this mode.")
    return value


def pem(name: str, default: str = "") -> str:
    """A PEM value; a one-line form with literal \\n (as some secret stores keep it) is unfolded."""
    return os.environ.get(name, default).replace("\\n", "\n")


def required_pem(name: str) -> str:
    """A PEM value production cannot start without."""
    return required(name).replace("\\n", "\n")


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from error


def csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_by_name(name: str) -> str:
    """A secret whose variable NAME is configuration data (an AI provider's key), read at call time; "" when unset.

    Only names that look like environment variables are read, so a provider row cannot point at arbitrary data.
    The value must never be logged or stored.
    """
    if not name or not name.replace("_", "").isalnum() or not name[0].isalpha() or name != name.upper():
        return ""
    return os.environ.get(name, "")


def choice(name: str, options: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default) or default
    if value not in options:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(options)}, not {value!r}.")
    return value


@dataclass(frozen=True)
class Mode:
    """Which settings module runs: embedded (laptop default), production, or test."""

    name: str

    @property
    def is_embedded(self) -> bool:
        return self.name == "embedded"


def data_dir() -> Path:
    """Where the embedded mode keeps its database, media and generated keys."""
    path = Path(os.environ.get("AZORA_DATA_DIR", str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path
