"""The engine stays headless: nothing in twin/ imports Qt, pyqtgraph or app, and no wall
clock is read (architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

TWIN = Path(__file__).resolve().parent.parent / "twin"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "app", "shiboken6")
WALL_CLOCK = {("time", "time"), ("time", "monotonic"), ("time", "perf_counter"),
              ("datetime", "now"), ("datetime", "today"), ("time", "sleep")}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant):
                out.append((node.lineno, str(node.args[0].value)))
    return out


def test_twin_sources_exist() -> None:
    assert len(list(TWIN.rglob("*.py"))) >= 10


def test_twin_never_imports_qt_or_app() -> None:
    bad = []
    for path in TWIN.rglob("*.py"):
        for line, mod in _imports(path):
            if mod.split(".")[0] in FORBIDDEN:
                bad.append(f"{path.relative_to(TWIN.parent)}:{line} imports {mod}")
    assert not bad, "twin/ must stay headless:\n" + "\n".join(bad)


def test_twin_reads_no_wall_clock() -> None:
    bad = []
    for path in TWIN.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if (node.value.id, node.attr) in WALL_CLOCK:
                    bad.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_importing_the_engine_loads_no_qt() -> None:
    code = ("import sys, twin.twin, twin.runner, twin.scenario; "
            "bad=[m for m in sys.modules if m.split('.')[0] in "
            f"{FORBIDDEN!r}]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_lint_rule_catches_a_qt_import(tmp_path: Path) -> None:
    """The AST scan above is not vacuous: it flags a planted import."""
    planted = tmp_path / "bad.py"
    planted.write_text("from PySide6.QtCore import QObject\nimport app.cli\n")
    mods = [m for _, m in _imports(planted)]
    assert [m for m in mods if m.split(".")[0] in FORBIDDEN] == ["PySide6.QtCore", "app.cli"]


# The house (issue 7): subsystems get narrow views, never the Twin; no private reach-ins.
NOT_SUBSYSTEMS = {"twin.py", "runner.py", "recording.py", "__init__.py"}


def test_no_subsystem_imports_the_twin() -> None:
    """Subsystems are handed narrow views (twin/context.py); none imports twin.twin, not
    even for type hints."""
    bad = []
    for path in TWIN.glob("*.py"):
        if path.name in NOT_SUBSYSTEMS:
            continue
        for line, mod in _imports(path):
            if mod == "twin.twin":
                bad.append(f"{path.name}:{line}")
    assert not bad, "subsystems import twin.twin:\n" + "\n".join(bad)


def _private_reach_ins(path: Path) -> list[str]:
    """``other._name`` where ``other`` is not ``self``/``cls``: reading another object's
    private member."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            out.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return out


def test_no_module_reads_another_modules_private_members() -> None:
    bad = [x for path in TWIN.rglob("*.py") for x in _private_reach_ins(path)]
    assert not bad, "\n".join(bad)


def test_the_private_member_scan_is_not_vacuous(tmp_path: Path) -> None:
    planted = tmp_path / "bad.py"
    planted.write_text("def f(k):\n    return k._heap[0], self_ok()\n")
    assert _private_reach_ins(planted) == ["bad.py:2: k._heap"]


def test_a_headless_run_imports_neither_qt_nor_networkx() -> None:
    """``drtwin run`` does not pay for what only the GUI needs (the topology graph)."""
    code = ("import sys, twin.twin, twin.runner, twin.scenario, twin.recording; "
            "bad=[m for m in sys.modules if m.split('.')[0] in "
            f"{(*FORBIDDEN, 'networkx')!r}]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
