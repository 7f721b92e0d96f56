"""The core and the backends import each other in no cycle: each module can be read, loaded and
tested on its own, and no import order decides what works."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PARTS = ("kiosk/core", "kiosk/backends")


def module_graph() -> dict[str, set[str]]:
    """Every module of the parts and the modules of the parts it imports, at any depth of the
    file (an import inside a function is a dependency too, only a later one)."""
    modules = {
        ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): f
        for part in PARTS
        for f in (ROOT / part).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    imported.add(
                        f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    )
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the path that closes it (depth-first search)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for nxt in sorted(graph[module]):
            if nxt in path:
                cycle = path[path.index(nxt) :] + [nxt]
                if sorted(cycle[:-1]) not in [sorted(c[:-1]) for c in found]:
                    found.append(cycle)
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return found


def test_the_graph_sees_the_day_books_imports() -> None:
    graph = module_graph()
    assert "kiosk.backends.calls" in graph["kiosk.backends.daybook"]  # the estimate of a new ticket
    assert "kiosk.core.rules" in graph["kiosk.backends.daybook"]


def test_the_core_and_the_backends_import_each_other_in_no_cycle() -> None:
    assert cycles(module_graph()) == []
