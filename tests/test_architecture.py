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


# The run history is a file store beside the simulation, not part of it: waiting for another
# process's lock on the database is wall-clock time by nature. Nothing in the run reads it.
WALL_CLOCK_ALLOWED = {"history.py"}


def test_twin_reads_no_wall_clock() -> None:
    bad = []
    for path in TWIN.rglob("*.py"):
        if path.name in WALL_CLOCK_ALLOWED:
            continue
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


# -- the application's import contract (docs/design.md, "app/: who may import what") -------

APP = TWIN.parent / "app"
# the rooms: a view and its parts; none may import another room
ROOMS = ("app.topology", "app.console", "app.plots", "app.event_log", "app.timebar",
         "app.instructor", "app.presenter", "app.branch", "app.compare", "app.trainee",
         "app.session")
# what every room may import from app/: the shared modules and the controller it observes
SHARED = ("app.theme", "app.format", "app.status", "app.faults", "app.resources",
          "app.controller")
# modules that are pure functions over the state document: no Qt, so tested without one
PURE = ("app.theme", "app.format", "app.status", "app.topology.looks", "app.topology.cards")
QT = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6")
# the engine's vocabulary a view may import; anything else of twin/ only through the
# controller (twin.profiles: only the console's manual-action texts)
VOCABULARY = {"twin", "twin.actions", "twin.durations", "twin.statedoc", "twin.config",
              "twin.events", "twin.scenario"}
NAMES_ONLY = {"twin.profiles": {"MANUAL_ACTIONS_PRIMARY", "MANUAL_ACTIONS_BACKUP",
                                "MANUAL_ACTIONS_AFTER"}}
# who holds the engine: the controller; main.py builds it; cli.py runs `drtwin run`
ENGINE_HOLDERS = {"app.controller": None, "app.main": None,
                  "app.cli": {"twin.runner", "twin.scenario", "twin.strategies",
                              "twin.sweep", "twin.aar", "twin.history",
                              "twin.compare_report", "twin.session"}}
TWIN_SUBMODULES_OK_FROM_PACKAGE = {"actions", "durations"}  # `from twin import actions`


def _module_name(path: Path) -> str:
    rel = path.relative_to(APP.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_imports(path: Path) -> list[tuple[int, str, set[str]]]:
    """(line, module, names) of every import in ``path``, TYPE_CHECKING ones included;
    ``from x import y`` also reports ``x.y`` so a submodule import counts."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str, set[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, set()) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {a.name for a in node.names}
            out.append((node.lineno, node.module, names))
            if node.module in ("app", "twin") or node.module.startswith(ROOMS):
                out += [(node.lineno, f"{node.module}.{n}", set()) for n in names]
    return out


def _room(module: str) -> str | None:
    return next((r for r in ROOMS if module == r or module.startswith(r + ".")), None)


def _app_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in APP.rglob("*.py")}


def test_the_app_modules_are_found() -> None:
    mods = _app_modules()
    assert {"app.controller", "app.topology.view", "app.console.widget", "app.plots",
            "app.theme"} <= set(mods)


def test_every_app_package_is_a_room() -> None:
    """A new subpackage of app/ is a room of the contract (or the contract misses it)."""
    packages = {_module_name(p) for p in APP.glob("*/__init__.py")}
    assert packages and packages <= set(ROOMS), sorted(packages - set(ROOMS))


def test_rooms_do_not_import_each_other() -> None:
    mods = _app_modules()
    bad = []
    for name, path in mods.items():
        room = _room(name)
        if room is None:
            continue
        for line, mod, _ in _app_imports(path):
            other = _room(mod)
            if mod.startswith("app") and other not in (None, room):
                bad.append(f"{name}:{line} imports {mod} (another room)")
            elif mod.startswith("app") and other is None and mod != "app" \
                    and mod not in SHARED:
                bad.append(f"{name}:{line} imports {mod} (not a shared module)")
    assert not bad, "views may import only theme/format/status/faults/resources and the " \
        "controller, never another room:\n" + "\n".join(bad)


def test_shared_modules_import_no_room_and_pure_ones_no_qt() -> None:
    mods = _app_modules()
    bad = []
    for name in SHARED:
        if name == "app.controller":
            continue
        for line, mod, _ in _app_imports(mods[name]):
            if _room(mod) or mod in ("app.main_window", "app.main", "app.controller"):
                bad.append(f"{name}:{line} imports {mod}")
    for name in PURE:
        for line, mod, _ in _app_imports(mods[name]):
            if mod.split(".")[0] in QT:
                bad.append(f"{name}:{line} imports {mod} (a pure module)")
    assert not bad, "\n".join(bad)


def test_the_headless_command_and_the_pure_modules_load_no_qt() -> None:
    """`drtwin run` works without a display: app.cli (and app.resources, for the bundled
    default) and the pure modules import no Qt."""
    mods = ", ".join(("app.cli", "app.resources", *PURE))
    code = (f"import sys, {mods}; bad=[m for m in sys.modules if m.split('.')[0] in "
            f"{QT!r}]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_only_the_controller_holds_the_engine() -> None:
    """app/ reads the engine through the controller: no module but the controller (and
    main.py, which builds it; cli.py, which runs `drtwin run`) imports twin.twin,
    twin.runner or a subsystem, and none reads a controller's ``twin`` or ``runner``."""
    bad = []
    for name, path in _app_modules().items():
        holder = name in ENGINE_HOLDERS
        extra = ENGINE_HOLDERS.get(name) or set()
        for line, mod, names in _app_imports(path):
            if mod.split(".")[0] != "twin" or (holder and ENGINE_HOLDERS[name] is None):
                continue
            if mod == "twin" and names <= TWIN_SUBMODULES_OK_FROM_PACKAGE | VOCABULARY:
                continue
            if mod in VOCABULARY or mod in extra:
                continue
            if mod in NAMES_ONLY and names and names <= NAMES_ONLY[mod]:
                continue
            bad.append(f"{name}:{line} imports {mod} {sorted(names) or ''}".rstrip())
        if name == "app.controller":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("twin", "runner"):
                bad.append(f"{name}:{node.lineno} reads .{node.attr}")
    assert not bad, "only app/controller.py holds the twin; views read controller.state() " \
        "and the controller's engine reads:\n" + "\n".join(bad)


def test_the_contract_scan_is_not_vacuous(tmp_path: Path) -> None:
    """The scan sees a planted room-to-room import, a TYPE_CHECKING engine import and an
    attribute read of the twin."""
    planted = tmp_path / "bad.py"
    planted.write_text("from typing import TYPE_CHECKING\nfrom app.console import DrConsole\n"
                       "if TYPE_CHECKING:\n    from twin.twin import Twin\n"
                       "def f(c):\n    return c.twin.graph\n")
    mods = [m for _, m, _ in _app_imports(planted)]
    assert "app.console" in mods and "twin.twin" in mods
    assert _room("app.console.widget") == "app.console" and _room("app.theme") is None
