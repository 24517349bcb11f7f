"""The package's layers stay true: a module imports only its own layer or lower ones, and no
import cycle exists (function-level imports included).  An AST walk, no code is run."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"
#: import order, lowest first; the command line (sim.cli, sim.__main__) sits above all of them
LAYERS = ["common", "law", "inputs", "risk", "analyses", "outputs"]
TOP = len(LAYERS)


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(mod: str) -> int:
    parts = mod.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return -1 if mod == "sim" else TOP  # the package root holds only __version__


def imports_of(path: Path) -> set[str]:
    """Every ``sim`` module *path* imports, anywhere in the file (resolved relative imports)."""
    mod = module_name(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sim":
                continue
            for a in node.names:  # `from sim.risk import claims` imports the module sim.risk.claims
                sub = f"{target}.{a.name}"
                found.add(sub if (SIM.parent / (sub.replace(".", "/") + ".py")).exists() else target)
    return found


GRAPH = {module_name(p): imports_of(p) for p in sorted(SIM.rglob("*.py"))}


def test_every_module_is_in_a_layer():
    stray = [m for m in GRAPH if m.count(".") == 1 and m not in ("sim.cli", "sim.__main__")
             and m.split(".")[1] not in LAYERS]
    assert not stray, f"modules outside the layers: {stray}"


@pytest.mark.parametrize("mod", sorted(GRAPH))
def test_no_import_from_a_higher_layer(mod):
    up = sorted(t for t in GRAPH[mod] if layer(t) > layer(mod))
    assert not up, f"{mod} (layer {layer(mod)}) imports higher layers: {up}"


def test_no_import_cycles():
    state: dict[str, int] = {}
    cycles = []

    def visit(m, stack):
        state[m] = 1
        for t in sorted(GRAPH.get(m, ())):
            if t not in GRAPH or t == m:
                continue
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t, stack + [t])
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])
    # importing a package's __init__ from its own modules is not a cycle of code
    cycles = [c for c in cycles if not all(x == c[0] or c[0].startswith(x + ".") or x.startswith(c[0] + ".") for x in c)]
    assert not cycles, f"import cycles: {cycles}"


def test_the_walk_sees_relative_and_lazy_imports():
    # the checker itself: model imports the law and risk; the dashboard view imports the workbook
    # writer inside a function
    assert "sim.law.contributions" in GRAPH["sim.analyses.model"]
    assert "sim.risk.aggregate" in GRAPH["sim.analyses.model"]
    assert "sim.outputs.explorer_xlsx" in GRAPH["sim.outputs.explorer_view"]
    assert layer("sim.outputs.plots") > layer("sim.risk.claims") > layer("sim.common.errors")


def test_modules_stay_small_and_documented():
    for p in SIM.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 400, f"{p.relative_to(SIM.parent)} is over 400 lines"
        if p.name not in ("__main__.py",):
            assert ast.get_docstring(ast.parse(text)), f"{p.relative_to(SIM.parent)} has no module docstring"
