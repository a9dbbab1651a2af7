"""A regular install works: the wheel carries both packages, the bundled scenarios, the
style sheet and the icons, and `drtwin` from it runs, checks and draws the bundled default
scenario from a directory outside the repository (issue 7, packaging)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# what the build needs from the repository (and nothing else: a missing file fails here)
SOURCES = ("pyproject.toml", "README.md", "app", "twin", "assets", "scenarios")


def _declared_packages() -> dict[str, Path]:
    """Each package pyproject.toml names, with the folder it comes from."""
    setup = PYPROJECT["tool"]["setuptools"]
    dirs = setup.get("package-dir", {})
    return {p: ROOT / dirs.get(p, p.replace(".", "/")) for p in setup["packages"]}


def test_every_package_is_declared() -> None:
    """pyproject lists packages by name (scenarios/ and assets/ are mapped into app): a new
    folder of modules under app/ or twin/ must be listed too, or the wheel lacks it."""
    declared = _declared_packages()
    for name, folder in declared.items():
        assert folder.is_dir(), f"{name}: no folder {folder}"
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for top in ("app", "twin") for p in (ROOT / top).rglob("*.py")
             if "__pycache__" not in p.parts}
    assert found <= set(declared), f"not in pyproject's packages: {sorted(found - set(declared))}"
    assert declared["app.scenarios"] == ROOT / "scenarios"
    assert declared["app.assets"] == ROOT / "assets"


def test_the_installed_resources_are_the_repositorys_in_a_checkout() -> None:
    from app import resources

    assert resources.scenario() == ROOT / "scenarios" / "default.yaml"
    assert resources.asset("style.qss") == ROOT / "assets" / "style.qss"
    assert resources.scenarios_dir() == ROOT / "scenarios"


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, f"{args}\n{r.stdout}\n{r.stderr}"
    return r


@pytest.mark.slow
def test_a_wheel_installs_and_drtwin_runs_from_it(tmp_path: Path) -> None:
    # build from a copy of the sources: the build leaves nothing in the work tree
    src = tmp_path / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(dist), str(src)], cwd=tmp_path)
    (wheel,) = dist.glob("drtwin-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("app/scenarios/default.yaml", "app/assets/style.qss",
                     "app/assets/play.svg", "twin/schema/scenario.schema.json",
                     "app/topology/view.py", "app/console/widget.py", "twin/twin.py"):
        assert expected in names, f"the wheel lacks {expected}"

    # a fresh venv; its dependencies (PySide6, numpy, ...) are this environment's,
    # reached through a .pth file so nothing is downloaded: the project itself must come
    # from the wheel (the editable install's finder is not loaded from there)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                     "['purelib'])"], cwd=tmp_path).stdout.strip())
    (site / "drtwin-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], cwd=tmp_path)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{venv / 'bin'}:/usr/bin:/bin", QT_QPA_PLATFORM="offscreen")
    where = _run([str(py), "-c", "import app, twin, app.resources as r; "
                  "print(app.__file__); print(twin.__file__); print(r.scenario())"],
                 cwd=outside, env=env).stdout.split()
    for path in where:
        assert Path(path).is_relative_to(site), f"{path} is not from the wheel"
    bundled = where[2]
    drtwin = str(venv / "bin" / "drtwin")
    run = _run([drtwin, "run", bundled], cwd=outside, env=env)
    assert "Result: PASS" in run.stdout
    check = _run([drtwin, "check", bundled], cwd=outside, env=env)
    assert "valid" in check.stdout
    shot = outside / "out.png"
    _run([drtwin, "gui", "--screenshot", str(shot), "--at", "10m", "--size", "1024x700"],
         cwd=outside, env=env)
    assert shot.stat().st_size > 20_000
