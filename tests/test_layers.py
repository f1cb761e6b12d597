"""The house's layers, checked on the source: a request walks one way, and no module imports itself back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "chopchop"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module) -> set[str]:
    """Every chopchop module imported anywhere in the file (functions too), except under ``TYPE_CHECKING``."""
    found: set[str] = set()
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(PACKAGE))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in (SRC / PACKAGE).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = _imports(ast.parse(path.read_text(encoding="utf-8")))
        # `from chopchop.lib import outbox` names a module; `from chopchop.db import User` names a package.
        # A module of a package that names the package (`from chopchop.server import http`) depends on the module
        # it names, not on the package's ``__init__``.
        graph[name] = {
            target for target in targets if target in modules and target != name and not name.startswith(f"{target}.")
        }
    return graph


GRAPH = _graph()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("lib", {"domain", "server", "cli", "app"}),
        ("db", {"domain", "server", "cli", "app"}),
        ("domain", {"server", "cli", "app"}),
        ("server", {"cli", "app"}),
        ("settings", {"domain", "server", "cli", "app", "db"}),
    ],
)
def test_layers_import_only_downwards(layer: str, forbidden: set[str]) -> None:
    """lib/ knows no domain, the domain knows no wiring, the wiring knows no commands."""
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if _layer(module) == layer
        for target in targets
        if _layer(target) in forbidden
    )
    assert wrong == []


def test_no_import_cycles() -> None:
    """Not even through imports inside functions (app -> cli -> seed -> app was one)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert cycles == []
