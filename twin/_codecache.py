"""A bytecode cache for the methods ``dataclasses`` writes for the twin's classes.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and, frozen,
``__hash__``, ``__setattr__``, ``__delattr__``) as source text and compiles it with
``exec`` when the module is imported: on Python 3.11 that is about 400 compilations
and 20 ms of every ``drtwin run`` (bench/bench_cli.py), as much as the rest of the
twin's own imports. A compiled code object depends only on its source text and the
interpreter, so, as the interpreter keeps a module's bytecode in ``__pycache__``, this
keeps the code of those texts beside it (one file per interpreter's cache tag) and hands
``exec`` the code instead of the text; the methods are the very same.

Only texts compiled for a module of the ``twin`` and ``app`` packages are kept; anything
else goes to ``exec`` as before. The file is read once, written at exit only if a text
was new (and only where the interpreter would write bytecode), atomically; one that
cannot be read, or was written by another interpreter, is ignored and made again.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
import types
from typing import Any

_OURS = ("twin.", "app.")
_MAX = 4096  # entries kept (the texts of old versions of the classes go, beyond)
# the file's header: this format, and the interpreter's bytecode magic (as a .pyc's)
_MAGIC = b"drtwin-dataclass-code-1\n" + importlib.util.MAGIC_NUMBER

_exec = builtins.exec
_cache: dict[str, Any] = {}
_used: set[str] = set()
_new = False
_path: str | None = None


def _cache_path() -> str | None:
    """Where the cache lives: this package's ``__pycache__`` (or ``sys.pycache_prefix``),
    named for the interpreter's cache tag; None where no bytecode cache is kept."""
    tag = sys.implementation.cache_tag
    if tag is None:  # pragma: no cover - an interpreter without bytecode caches
        return None
    here = os.path.dirname(os.path.abspath(__file__))
    name = f"dataclasses.{tag}.marshal"
    prefix = sys.pycache_prefix
    if prefix:
        return os.path.join(prefix, here.lstrip(os.sep), name)
    return os.path.join(here, "__pycache__", name)


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return {}
    if not data.startswith(_MAGIC):
        return {}
    try:
        got = marshal.loads(data[len(_MAGIC):])
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(got, dict):
        return {}
    return {k: v for k, v in got.items()
            if isinstance(k, str) and type(v) is types.CodeType}


def _cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> Any:
    """``exec`` as ``dataclasses`` calls it; the text of a twin or app class's method is
    compiled once (as ``exec`` compiles it: ``<string>``, no ``__future__`` flags)."""
    global _new
    if type(source) is str and type(globals) is dict and \
            str(globals.get("__name__", "")).startswith(_OURS):
        code = _cache.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _cache[source] = code
            _new = True
        _used.add(source)
        return _exec(code, globals, locals)
    return _exec(source, globals, locals)


def _save() -> None:
    """At exit: write the cache if a text was new (never fails the program)."""
    path = _path
    if not _new or path is None or sys.dont_write_bytecode:
        return
    keep = _cache if len(_cache) <= _MAX else {k: _cache[k] for k in _used}
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(_MAGIC + marshal.dumps(keep))
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def install() -> None:
    """Have ``dataclasses`` compile through the cache (once per process)."""
    global _path
    if getattr(dataclasses, "exec", None) is _cached_exec:
        return
    _path = _cache_path()
    if _path is not None:
        _cache.update(_load(_path))
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]
    atexit.register(_save)


def uninstall() -> None:
    """``dataclasses`` compiles every text again (tests compare both ways)."""
    if getattr(dataclasses, "exec", None) is _cached_exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    atexit.unregister(_save)
