"""The import structure of the package: its layers, no cycles, one owner of the one-hot special
case, a light CLI.

Each subpackage is a layer and may import only the layers in LAYERS: the mathematics (core) at
the bottom, the command line (cli) at the top. Everything here reads the source with `ast`;
nothing of paintlr is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "paintlr"
NAME = PACKAGE.name
HEAVY = ("numpy", "PIL", "matplotlib")  # what `paintlr --help` must not load

BASE = {"settings", "errors", "signals"}  # modules every layer may import (standard library only)
# What each layer may import besides itself and BASE. Domain (core, models, features, runs) never
# imports presentation (render, outputs, cli).
LAYERS = {
    "settings": set(),
    "errors": set(),
    "signals": set(),
    "core": set(),
    "models": {"core"},
    "features": {"core"},
    "io": {"core"},
    "runs": {"core", "models", "features"},
    "render": {"core", "models", "features", "runs"},
    "outputs": {"core", "render", "runs"},
    "cli": {"core", "models", "features", "runs", "io", "render", "outputs"},
    "__init__": {"core", "models", "features", "runs", "io"},  # the lazy public API
    "__main__": {"cli"},
}
# The one documented exception: a run shows itself in a notebook as the player page, which it
# reaches lazily, inside this method.
NOTEBOOK_DISPLAY = ("runs", "_repr_html_", {"render", "outputs"})


def modules() -> dict[str, Path]:
    """Every module by dotted name under the package: "core.designs", "cli", "__init__"."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if len(parts) > 1 and parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def layer(module: str) -> str:
    return module.split(".")[0]


def parse(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))


def type_checking_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (or typing.TYPE_CHECKING): a block that never runs."""
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports(tree: ast.AST, *, top_level_only: bool = False):
    """Every (Import / ImportFrom node, name of the enclosing function or None); with
    top_level_only, only those run on import: not in function bodies (run later, if ever) nor
    under `if TYPE_CHECKING:`."""
    stack: list[tuple[ast.AST, str | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, function
        if top_level_only and type_checking_only(node):
            stack.extend((n, function) for n in node.orelse)
            continue
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                if top_level_only:
                    continue
                inner = getattr(child, "name", "<lambda>")
            stack.append((child, inner))


def package_targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The paintlr modules (dotted, as in MODULES) an import statement in `module` loads."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        names = [alias.name.split(".") for alias in node.names]
        return {resolve(parts[1:]) for parts in names if parts[0] == NAME}
    if node.level == 0:
        parts = (node.module or "").split(".")
        if parts[0] != NAME:
            return set()
        base = parts[1:]
    else:
        here = module.split(".") if module != "__init__" else []
        package = here if is_package else here[:-1]
        up = node.level - 1
        assert up <= len(package), f"{module} line {node.lineno} imports from above the package"
        base = package[:len(package) - up] + (node.module.split(".") if node.module else [])
    found = {resolve(base)}
    for alias in node.names:  # from . import x: x may be a module
        candidate = ".".join([*base, alias.name])
        if candidate in MODULES:
            found.add(candidate)
    return found


def resolve(parts: list[str]) -> str:
    """The module a dotted path inside the package names: the package itself is "__init__"."""
    return ".".join(parts) if parts else "__init__"


def graph(*, functions: bool = False) -> dict[str, set]:
    """module -> modules it imports; with `functions`, module -> (module imported, function or None)."""
    edges: dict[str, set] = {}
    for module in MODULES:
        edges[module] = set()
        for node, function in imports(parse(module)):
            for target in package_targets(module, node):
                edges[module].add((target, function) if functions else target)
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


def violations(edges: dict[str, set[tuple[str, str | None]]]) -> list[str]:
    """Every import against LAYERS, as 'module -> target (in function)'."""
    found = []
    for module, targets in sorted(edges.items()):
        here = layer(module)
        allowed = LAYERS[here] | BASE | {here}
        for target, function in sorted(targets, key=str):
            there = layer(target)
            if there in allowed or (target == "__init__" and here in ("cli", "__main__")):
                continue
            exception_layer, exception_function, reaches = NOTEBOOK_DISPLAY
            if here == exception_layer and function == exception_function and there in reaches:
                continue
            found.append(f"{module} -> {target}" + (f" (in {function})" if function else ""))
    return found


def test_the_graph_sees_every_kind_of_import():
    """The parser itself: relative at any depth, absolute, `from . import x`, imports in functions."""
    code = ast.parse(
        "from .. import settings, __version__\n"
        "from ..core.designs import Dense\n"
        "from .clock import plan_frames\n"
        "import paintlr.models.linear\n"
        "from paintlr.runs.clock import burst_frames\n"
        "from paintlr import errors\n"
        "import numpy as np\n"
        "def f():\n"
        "    from ..models.training import jump\n"
        "if TYPE_CHECKING:\n"
        "    from .frame import Frame\n"
    )
    everything = {t for n, _ in imports(code) for t in package_targets("runs.painting", n)}
    assert everything == {"settings", "__init__", "core.designs", "runs.clock", "models.linear", "errors",
                          "models.training", "runs.frame"}
    top = {t for n, _ in imports(code, top_level_only=True) for t in package_targets("runs.painting", n)}
    assert top == everything - {"models.training", "runs.frame"}
    inside = {f for n, f in imports(code) if package_targets("runs.painting", n) == {"models.training"}}
    assert inside == {"f"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_is_in_a_layer():
    assert {layer(m) for m in MODULES} == set(LAYERS)


def test_the_layering_has_the_expected_edges():
    """A sanity check that the graph is read: a few edges the layering is built on."""
    edges = graph()
    assert {"core.numerics", "core.trajectories", "settings"} <= edges["core.designs"]
    assert {"core.designs", "models.estimator", "models.optimizers",
            "models.training"} <= edges["models.linear"]
    assert "settings" in edges["cli.options"]
    for leaf in ("settings", "errors", "core.numerics", "models.estimator"):
        assert edges[leaf] == set(), (leaf, edges[leaf])


def test_imports_follow_the_layers():
    """Each layer imports only those below it (LAYERS), at the top level or inside a function."""
    assert violations(graph(functions=True)) == []


def test_the_layer_check_catches_an_import_against_the_table():
    """A core module that imported from outputs, even inside a function, would be reported; so
    would a run importing the player outside its notebook display."""
    edges = graph(functions=True)
    edges["core.numerics"] = {("outputs.page", "psnr")}
    edges["runs.frame"] = {("outputs.page", "pixels"), ("outputs.page", "_repr_html_")}
    assert violations(edges) == ["core.numerics -> outputs.page (in psnr)",
                                 "runs.frame -> outputs.page (in pixels)"]


def test_the_package_imports_have_no_cycle():
    """No cycle, besides the notebook display's lazy way back up to the player."""
    here, method, reaches = NOTEBOOK_DISPLAY

    def display(module: str, target: str, function: str | None) -> bool:
        return layer(module) == here and function == method and layer(target) in reaches

    edges = {module: {target for target, function in targets if not display(module, target, function)}
             for module, targets in graph(functions=True).items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_only_designs_asks_whether_a_design_is_one_hot():
    """Design-specific behaviour lives in core/designs.py; elsewhere the design is asked, not type-tested."""
    pattern = re.compile(r"isinstance\([^)]*\bOneHot\b")
    offenders = [name for name, path in MODULES.items()
                 if name != "core.designs" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("module", ["cli"])
def test_the_command_line_loads_numpy_and_pillow_only_inside_functions(module):
    """`paintlr --help` starts without numpy or Pillow: not in the CLI's own top-level imports, nor in
    those of any paintlr module it imports at the top level, transitively."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node, _ in imports(parse(name), top_level_only=True):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.Import) or node.level == 0:
                heavy = [n for n in names if n.split(".")[0] in HEAVY]
                assert not heavy, f"{name} line {node.lineno} imports {heavy} at the top level"
            todo.extend(package_targets(name, node))
    assert {"cli", "settings", "errors", "__init__"} <= seen
