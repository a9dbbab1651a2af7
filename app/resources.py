"""The files DR Twin ships with: the bundled scenarios, the style sheet and the icons.

They live in the repository's top-level ``scenarios/`` and ``assets/`` folders, which
pyproject.toml ships as the packages ``app.scenarios`` and ``app.assets``
(``[tool.setuptools.package-dir]``), so a regular install (a wheel) and an editable one
find them alike, through ``importlib.resources``. No Qt at import: ``drtwin run`` uses
this module headless."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

DEFAULT_SCENARIO_NAME = "default.yaml"


def _folder(package: str) -> Path:
    """The folder of a bundled package (pip installs a wheel as plain files)."""
    return Path(str(files(package)))


def scenarios_dir() -> Path:
    """The bundled scenarios (``scenarios/`` in the repository)."""
    return _folder("app.scenarios")


def scenario(name: str = DEFAULT_SCENARIO_NAME) -> Path:
    """A bundled scenario file, by name (``default.yaml``)."""
    return scenarios_dir() / name


def asset(name: str) -> Path:
    """A bundled asset file, by name (``style.qss``, ``play.svg``)."""
    return _folder("app.assets") / name


def style_template() -> str:
    """The style sheet as shipped, its colours named ``@NAME`` (app/theme.py fills them)."""
    return asset("style.qss").read_text(encoding="utf-8")


def icon(name: str) -> QIcon:
    """An icon from ``assets/<name>.svg`` (an empty icon if there is none)."""
    from PySide6.QtGui import QIcon

    path = asset(f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
