"""Apps import only each other's public face (public, events, errors); shared is open to all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_FACE = {"public", "events", "errors"}
# The gateway assembles /api/v1 from each app's router (ARCHITECTURE.md §5), so it alone may import `api`.
GATEWAY_MAY_IMPORT = PUBLIC_FACE | {"api"}


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "azora" or parts[1] in {"shared", "cli"}:
        return None
    if parts[1] == "portals":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    return ".".join(parts[:2])


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _violations() -> list[str]:
    problems = []
    for path in sorted((ROOT / "azora").rglob("*.py")):
        importer = _module_name(path)
        importer_app = _app_of(importer)
        if importer_app is None or "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        for imported in _imports(path):
            imported_app = _app_of(imported)
            if imported_app is None or imported_app == importer_app:
                continue
            rest = imported[len(imported_app) + 1 :].split(".")
            allowed = GATEWAY_MAY_IMPORT if importer_app == "azora.gateway" else PUBLIC_FACE
            if rest == [""] or rest[0] not in allowed:
                problems.append(f"{importer} imports {imported}")
    return problems


def test_apps_import_only_the_public_face_of_other_apps() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("module", "app"),
    [
        ("azora.accounts.models", "azora.accounts"),
        ("azora.portals.shell.views", "azora.portals.shell"),
        ("azora.shared.money", None),
        ("django.db", None),
    ],
)
def test_app_of_names_the_owning_app(module: str, app: str | None) -> None:
    assert _app_of(module) == app
