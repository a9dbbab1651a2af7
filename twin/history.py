"""The run history: every run kept in a local SQLite database.

``History(path).record(report, scenario_text, started_at, mode, trainee) -> run_id`` keeps
a run (``drtwin run`` after each run; the GUI when a session ends); ``list()`` gives the
runs newest first, ``get(run_id)`` one run with its full report. Where the database lives:
:func:`history_path` (``--history PATH``, else ``DRTWIN_HISTORY``, else the user's data
folder; ``off`` disables it).

Two processes writing at once lose nothing: WAL journal, a busy timeout, and each run
written in one short ``BEGIN IMMEDIATE`` transaction. ``schema_version`` records the
version of the tables, for migrations. The wall-clock start time comes from the caller
(the engine has no wall clock). Every failure of the database surfaces as
:class:`HistoryError`, whose message names the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["History", "HistoryError", "history_path", "data_dir", "SCHEMA_VERSION", "OFF"]

SCHEMA_VERSION = 1
OFF = "off"
ENV = "DRTWIN_HISTORY"
BUSY_TIMEOUT_S = 30.0


def _retry_locked(fn: Any) -> Any:
    """``fn()``, again while SQLite says the database is locked, for up to BUSY_TIMEOUT_S."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


# version -> the statements that bring the previous version to it
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_sha256 TEXT NOT NULL,
            scenario_file TEXT,
            seed INTEGER,
            mode TEXT NOT NULL,
            trainee TEXT,
            ok INTEGER NOT NULL,
            score REAL,
            passed INTEGER,
            rpo_achieved_s REAL,
            rto_s REAL,
            data_loss_bytes REAL,
            sim_end_s REAL,
            scenario_text BLOB NOT NULL,
            report BLOB NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS run_steps (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            step_index INTEGER,
            do TEXT NOT NULL,
            by TEXT NOT NULL,
            at_s REAL,
            ok INTEGER,
            accepted INTEGER,
            skipped INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, seq))""",
        "CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at)",
        "CREATE INDEX IF NOT EXISTS runs_scenario ON runs(scenario_sha256)",
    ),
}

_LIST_COLUMNS = ("id", "started_at", "scenario", "scenario_sha256", "scenario_file", "seed",
                 "mode", "trainee", "ok", "score", "passed", "rpo_achieved_s", "rto_s",
                 "data_loss_bytes", "sim_end_s")
_BOOLS = ("ok", "passed")


class HistoryError(Exception):
    """The history database cannot be used; the message names the file and why."""


def data_dir(environ: Mapping[str, str] | None = None, platform: str | None = None,
             home: Path | None = None) -> Path:
    """The user's data folder for DR Twin: ``$XDG_DATA_HOME/drtwin`` (else
    ``~/.local/share/drtwin``) on Linux and the BSDs, ``~/Library/Application
    Support/drtwin`` on macOS, ``%LOCALAPPDATA%\\drtwin`` (else ``%APPDATA%``) on Windows."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    base_home = Path.home() if home is None else home
    if plat.startswith("win"):
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        return (Path(base) if base else base_home / "AppData" / "Local") / "drtwin"
    if plat == "darwin":
        return base_home / "Library" / "Application Support" / "drtwin"
    xdg = env.get("XDG_DATA_HOME", "")
    # the XDG spec: a relative path is invalid and is ignored
    base_dir = Path(xdg) if xdg and Path(xdg).is_absolute() else base_home / ".local" / "share"
    return base_dir / "drtwin"


def history_path(option: str | None = None,
                 environ: Mapping[str, str] | None = None) -> Path | None:
    """Where the history is kept: ``option`` (``--history``), else ``$DRTWIN_HISTORY``,
    else ``history.sqlite`` in :func:`data_dir`; None when either says ``off``."""
    env = os.environ if environ is None else environ
    chosen = option if option is not None else env.get(ENV) or None
    if chosen is not None:
        if chosen.strip().lower() == OFF:
            return None
        return Path(chosen).expanduser()
    return data_dir(env) / "history.sqlite"


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes, path: Path, what: str) -> str:
    try:
        return zlib.decompress(blob).decode("utf-8")
    except (zlib.error, UnicodeDecodeError, TypeError) as e:
        raise HistoryError(f"{path}: the stored {what} is damaged ({e})") from None


def _finite(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None


def _flag(x: Any) -> int | None:
    return None if x is None else int(bool(x))


def _when(started_at: datetime | str) -> str:
    if isinstance(started_at, datetime):
        return started_at.isoformat(timespec="seconds")
    text = str(started_at)
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"started_at must be an ISO 8601 time, not {text!r}") from None
    return text


class History:
    """The run history in the SQLite file at ``path`` (made on first use). With
    ``create_dirs`` the missing folders above it are made (the default location);
    otherwise a missing folder is an error (a mistyped ``--history``)."""

    def __init__(self, path: str | Path, *, create_dirs: bool = False) -> None:
        self.path = Path(path)
        self._create_dirs = create_dirs
        self._ready = False

    # -- connections ---------------------------------------------------------------------

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        p = self.path
        if p.is_dir():
            raise HistoryError(f"{p}: is a folder, not a history database")
        if not p.parent.is_dir():
            if not (write and self._create_dirs):
                raise HistoryError(f"{p}: the folder {p.parent} does not exist")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise HistoryError(f"{p}: cannot make the folder {p.parent}: "
                                   f"{e.strerror or e}") from None
        try:
            con = sqlite3.connect(p, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise HistoryError(f"{p}: cannot open the history database: {e}") from None
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            if write:
                # Switching a new file to WAL takes an exclusive lock, and SQLite answers
                # "locked" at once (without its busy handler) while another process is
                # doing the same; so wait for it here, as the busy timeout would.
                mode = _retry_locked(lambda: con.execute("PRAGMA journal_mode = WAL").fetchone())
                if not mode or str(mode[0]).lower() != "wal":
                    raise HistoryError(f"{p}: the database cannot use a write-ahead log "
                                       f"(journal mode {mode and mode[0]})")
                con.execute("PRAGMA synchronous = NORMAL")
            _retry_locked(lambda: self._migrate(con))
        except sqlite3.DatabaseError as e:
            con.close()
            raise HistoryError(f"{p}: not a usable history database: {e}") from None
        except HistoryError:
            con.close()
            raise
        return con

    def _migrate(self, con: sqlite3.Connection) -> None:
        if self._ready:
            return
        version = self._version(con)
        if version > SCHEMA_VERSION:
            raise HistoryError(f"{self.path}: made by a newer DR Twin (history schema "
                               f"version {version}; this one knows {SCHEMA_VERSION})")
        if version < SCHEMA_VERSION:
            con.execute("BEGIN IMMEDIATE")
            try:
                version = self._version(con)  # another process may have migrated meanwhile
                for v in range(version + 1, SCHEMA_VERSION + 1):
                    for stmt in _MIGRATIONS[v]:
                        con.execute(stmt)
                    con.execute("INSERT INTO schema_version (version) VALUES (?)", (v,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        self._ready = True

    @staticmethod
    def _version(con: sqlite3.Connection) -> int:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
        row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _run(self, fn: Any, *, write: bool) -> Any:
        con = self._connect(write=write)
        try:
            return fn(con)
        except sqlite3.Error as e:
            raise HistoryError(f"{self.path}: {e}") from None
        finally:
            con.close()

    # -- the API -------------------------------------------------------------------------

    def record(self, report: Mapping[str, Any], scenario_text: str,
               started_at: datetime | str, mode: str | None = None,
               trainee: str | None = None) -> int:
        """Keep one run; return its id. ``mode``/``trainee`` default to the report's."""
        when = _when(started_at)
        mode = mode or str(report.get("mode") or "autoplay")
        trainee = trainee if trainee is not None else report.get("trainee")
        outcome = report.get("outcome") or {}
        a = report.get("assessment") or {}
        report_json = json.dumps(report, allow_nan=False, default=str, separators=(",", ":"))
        sha = hashlib.sha256(scenario_text.encode("utf-8")).hexdigest()
        row = (when, str(report.get("scenario") or ""), sha, report.get("file"),
               report.get("seed"), mode, trainee, int(bool(report.get("ok"))),
               _finite(a.get("score")), _flag(a.get("passed")),
               _finite(outcome.get("rpo_achieved_s")), _finite(outcome.get("rto_s")),
               _finite(outcome.get("data_loss_bytes")),
               _finite((report.get("final_state") or {}).get("time_s")),
               _pack(scenario_text), _pack(report_json))
        steps = []
        for s in report.get("steps") or []:
            steps.append((s.get("index"), s.get("do"), s.get("by") or "instructor",
                          _finite(s.get("at_s")), _flag(s.get("ok")), _flag(s.get("accepted")),
                          int(bool(s.get("skipped")))))
        for x in report.get("trainee_actions") or []:
            steps.append((None, x.get("do"), "trainee", _finite(x.get("at_s")),
                          _flag(x.get("ok")), _flag(x.get("accepted")), 0))

        def write(con: sqlite3.Connection) -> int:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO runs (started_at, scenario, scenario_sha256, scenario_file, "
                    "seed, mode, trainee, ok, score, passed, rpo_achieved_s, rto_s, "
                    "data_loss_bytes, sim_end_s, scenario_text, report) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                run_id = int(cur.lastrowid or 0)
                con.executemany(
                    "INSERT INTO run_steps (run_id, seq, step_index, do, by, at_s, ok, "
                    "accepted, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, i, *s) for i, s in enumerate(steps)])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return run_id

        result: int = self._run(write, write=True)
        return result

    def list(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The runs, newest first (by start time, then id): their summary columns. An
        absent database file is an empty history (and is not made)."""
        if not self.path.exists():
            if not self.path.parent.is_dir() and not self._create_dirs:
                raise HistoryError(f"{self.path}: the folder {self.path.parent} does not "
                                   "exist")
            return []
        sql = (f"SELECT {', '.join(_LIST_COLUMNS)} FROM runs "
               "ORDER BY started_at DESC, id DESC")
        args: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            args = (int(limit),)

        def read(con: sqlite3.Connection) -> list[dict[str, Any]]:
            return [self._summary(r) for r in con.execute(sql, args)]

        result: list[dict[str, Any]] = self._run(read, write=False)
        return result

    def get(self, run_id: int) -> dict[str, Any] | None:
        """One run: its summary columns, ``scenario_text``, ``report`` (the full run report)
        and ``steps`` (the per-step timings); None if there is no such run."""
        if not self.path.exists():
            return None

        def read(con: sqlite3.Connection) -> dict[str, Any] | None:
            row = con.execute(f"SELECT {', '.join(_LIST_COLUMNS)}, scenario_text, report "
                              "FROM runs WHERE id = ?", (int(run_id),)).fetchone()
            if row is None:
                return None
            out = self._summary(row[:len(_LIST_COLUMNS)])
            out["scenario_text"] = _unpack(row[-2], self.path, f"scenario of run {run_id}")
            try:
                out["report"] = json.loads(_unpack(row[-1], self.path,
                                                   f"report of run {run_id}"))
            except json.JSONDecodeError as e:
                raise HistoryError(f"{self.path}: the stored report of run {run_id} is "
                                   f"damaged ({e})") from None
            out["steps"] = [
                {"seq": r[0], "index": r[1], "do": r[2], "by": r[3], "at_s": r[4],
                 "ok": None if r[5] is None else bool(r[5]),
                 "accepted": None if r[6] is None else bool(r[6]), "skipped": bool(r[7])}
                for r in con.execute("SELECT seq, step_index, do, by, at_s, ok, accepted, "
                                     "skipped FROM run_steps WHERE run_id = ? ORDER BY seq",
                                     (int(run_id),))]
            return out

        result: dict[str, Any] | None = self._run(read, write=False)
        return result

    def count(self) -> int:
        """How many runs are kept. An absent file is none, in a folder that exists (or, for
        the default location, will be made): `drtwin run` asks this before it runs, so a
        mistyped ``--history`` stops before the run, not after it (exit 2: nothing ran)."""
        if not self.path.exists():
            if not self.path.parent.is_dir() and not self._create_dirs:
                raise HistoryError(f"{self.path}: the folder {self.path.parent} does not "
                                   "exist")
            return 0
        result: int = self._run(
            lambda con: int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]),
            write=False)
        return result

    @staticmethod
    def _summary(row: Any) -> dict[str, Any]:
        d = dict(zip(_LIST_COLUMNS, row, strict=True))
        for k in _BOOLS:
            if d[k] is not None:
                d[k] = bool(d[k])
        return d
