"""The import structure of the package: no cycles, one owner of the one-hot special case, a light CLI.

Everything here reads the source with `ast` (or as text); nothing of paintlr is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "paintlr"
NAME = PACKAGE.name
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}  # "__init__" is the package itself
HEAVY = ("numpy", "PIL", "matplotlib")  # what `paintlr --help` must not load


def parse(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))


def type_checking_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (or typing.TYPE_CHECKING): a block that never runs."""
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports(tree: ast.AST, *, top_level_only: bool = False):
    """Every Import / ImportFrom node; with top_level_only, only those run on import: not in function
    bodies (run later, if ever) nor under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if top_level_only and type_checking_only(node):
            stack.extend(node.orelse)
            continue
        for child in ast.iter_child_nodes(node):
            if top_level_only and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            stack.append(child)


def package_targets(node: ast.Import | ast.ImportFrom) -> set[str]:
    """The paintlr modules an import statement loads ("__init__" for the package itself)."""
    found = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == NAME:
                found.add(parts[1] if len(parts) > 1 else "__init__")
        return found
    if node.level == 0:
        parts = (node.module or "").split(".")
        if parts[0] != NAME:
            return found
        parts = parts[1:]
    else:
        assert node.level == 1, f"no subpackages, yet line {node.lineno} imports from level {node.level}"
        parts = node.module.split(".") if node.module else []
    if parts:  # from .x import y, from paintlr.x import y
        found.add(parts[0])
    else:  # from . import x: x is a module, or a name of the package itself
        for alias in node.names:
            found.add(alias.name if alias.name in MODULES else "__init__")
    return found


def graph() -> dict[str, set[str]]:
    edges = {}
    for module in MODULES:
        edges[module] = set()
        for node in imports(parse(module)):
            edges[module] |= package_targets(node)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path [a, b, ..., a], by depth-first search, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_every_kind_of_import():
    """The parser itself: relative, absolute, `from . import x` and imports inside functions."""
    code = ast.parse(
        "from . import settings, __version__\n"
        "from .designs import Dense\n"
        "import paintlr.model\n"
        "from paintlr.clock import burst_frames\n"
        "from paintlr import errors\n"
        "import numpy as np\n"
        "def f():\n"
        "    from .training import jump\n"
        "if TYPE_CHECKING:\n"
        "    from .frame import Frame\n"
    )
    found = set().union(*(package_targets(n) for n in imports(code)))
    assert found == {"settings", "__init__", "designs", "model", "clock", "errors", "training", "frame"}
    top = set().union(*(package_targets(n) for n in imports(code, top_level_only=True)))
    assert top == found - {"training", "frame"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_layering_has_the_expected_edges():
    """A sanity check that the graph is read: a few edges the layering is built on."""
    edges = graph()
    assert {"numerics", "trajectories", "settings"} <= edges["designs"]
    assert {"designs", "estimator", "optimizers", "training"} <= edges["model"]
    assert "settings" in edges["cli"] and "job" in edges["cli"]  # the second only inside a function
    for leaf in ("settings", "errors", "numerics", "estimator"):
        assert edges[leaf] == set(), (leaf, edges[leaf])


def test_the_package_imports_have_no_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_only_designs_asks_whether_a_design_is_one_hot():
    """Design-specific behaviour lives in designs.py; elsewhere the design is asked, not type-tested."""
    pattern = re.compile(r"isinstance\([^)]*\bOneHot\b")
    offenders = [name for name, path in MODULES.items()
                 if name != "designs" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("module", ["cli"])
def test_the_command_line_loads_numpy_and_pillow_only_inside_functions(module):
    """`paintlr --help` starts without numpy or Pillow: not in cli.py's own top-level imports, nor in
    those of any paintlr module it imports at the top level, transitively."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in imports(parse(name), top_level_only=True):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.Import) or node.level == 0:
                heavy = [n for n in names if n.split(".")[0] in HEAVY]
                assert not heavy, f"{name}.py line {node.lineno} imports {heavy} at the top level"
            todo.extend(package_targets(node))
    assert {"cli", "settings", "errors", "__init__"} <= seen
