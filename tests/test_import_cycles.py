"""No import cycles between gaitload's modules: each module can be read, and moved, on its own.

An import of `a.b.c` runs `a/b/__init__.py` first, so it counts as an import of `a.b` too
(except of the importer's own packages, which are already running). Imports anywhere in a
module count, inside functions too: a deferred import hides a cycle, it does not remove it.
Imports under `if TYPE_CHECKING:` (annotations only) never run and do not count.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gaitload"


def module_names(package: Path) -> dict[str, Path]:
    names = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported(tree: ast.AST) -> set[str]:
    """Every module an import statement names, outside `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_names(package)
    graph = {}
    for name, path in modules.items():
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}
        runs = set()
        for target in imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = target.split(".")
            runs.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        graph[name] = {m for m in runs if m in modules and m not in own}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as found:
        return found.args[1]
    return None


def test_gaitload_has_no_import_cycles():
    graph = import_graph()
    assert "gaitload.store.db" in graph["gaitload.store.reading"]  # the graph sees imports
    found = cycle(graph)
    assert found is None, "import cycle: " + " -> ".join(found or [])


def test_the_check_sees_a_cycle_through_a_package_and_a_deferred_import(tmp_path):
    """The shape of the cycle config -> rules (its __init__) -> alerts -> config."""
    package = tmp_path / "gaitload"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text(
        "def check():\n    from gaitload.rules.catalogue import catalogue\n"
    )
    (package / "rules" / "__init__.py").write_text("from gaitload.rules.alerts import Alert\n")
    (package / "rules" / "catalogue.py").write_text("")
    (package / "rules" / "alerts.py").write_text("from gaitload.config import Settings\n")
    assert cycle(import_graph(package)) is not None
    (package / "rules" / "alerts.py").write_text(
        "if TYPE_CHECKING:\n    from gaitload.config import Settings\n"
    )
    assert cycle(import_graph(package)) is None
