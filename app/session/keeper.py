"""Nothing a trainee did is dropped without asking (the user trial of trainee mode).

In trainee mode, once the trainee has done anything (a console action, refused attempts
included, or a hint) that no saved actions file holds, dropping the run asks Save /
Discard / Cancel first: File > Quit or closing the window, File > Open or a recent file,
Restart, a mode switch (Play as trainee…, Back to autoplay), a chapter of presenter mode,
an imported timeline. The controller says before every such drop (``dropRequested``, a
``DropRequest`` this keeps with ``keep()``); the main window asks the controller on close.

Save runs the window's own save flow (File > Save trainee session…); cancelling its file
dialog (or a failed write) keeps the run, as Cancel does. Discard lets the drop go on. A
session saved and not changed since, and an autoplay run, never ask.

The blocking question is the module function :func:`question`, which tests monkeypatch
(tests/conftest.py answers Discard unless a test says otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from app.controller import Controller, DropRequest

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def question(parent: QWidget | None, title: str, text: str, detail: str) -> str:
    """Save / Discard / Cancel (Save by default, Escape cancels): SAVE, DISCARD or CANCEL."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                      buttons.Save | buttons.Discard | buttons.Cancel, parent)
    box.setInformativeText(detail)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    box.exec()
    clicked = box.standardButton(box.clickedButton())
    return SAVE if clicked == buttons.Save else DISCARD if clicked == buttons.Discard \
        else CANCEL


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class SessionKeeper(QObject):
    """Asks before the trainee's unsaved work is dropped, for one window's controller.

    ``save`` is the window's save flow: it returns a false value when nothing was saved
    (the file dialog cancelled, the write failed). :meth:`mark_saved` is told of every save
    (the window connects the trainee room's ``sessionSaved`` to it)."""

    def __init__(self, controller: Controller, window: QWidget,
                 save: Callable[[], Any]) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.save = save
        self._generation = 0  # one per run loaded: a saved mark is for its run only
        self._saved: tuple[int, int, int] | None = None
        controller.dropRequested.connect(self._on_drop)
        controller.scenarioLoaded.connect(self._on_loaded)

    # -- what would be lost ---------------------------------------------------------------

    def work(self) -> tuple[int, int, int] | None:
        """(run, trainee actions, hints) of the trainee's work so far; None: nothing the
        trainee did (autoplay, or a trainee session with no action and no hint yet)."""
        c = self.controller
        if c.mode != "trainee":
            return None
        actions, hints = len(c.trainee_actions()), c.hints_used()
        if not actions and not hints:
            return None
        return (self._generation, actions, hints)

    def unsaved(self) -> bool:
        """Trainee work that no saved actions file holds."""
        work = self.work()
        return work is not None and work != self._saved

    def mark_saved(self, *_: Any) -> None:
        """The trainee's actions file was just written: what the trainee did so far is kept."""
        self._saved = self.work()

    def _on_loaded(self) -> None:
        self._generation += 1
        self._saved = None

    # -- the question -------------------------------------------------------------------------

    def may_drop(self, what: str) -> bool:
        """Whether the run may be dropped to ``what`` ("quit"): True at once with nothing
        unsaved; else the user's answer (Save, then only if the file was written)."""
        if not self.unsaved():
            return True
        answer = question(self.window, "Save the trainee session?", self._text(),
                          f"Save it before you {what}? Discard drops it; Cancel keeps "
                          "the session open.")
        if answer == SAVE:
            if not self.save():
                return False  # the file dialog was cancelled (or the write failed)
            self.mark_saved()
            return True
        return answer == DISCARD

    def _text(self) -> str:
        work = self.work()
        assert work is not None
        _, actions, hints = work
        before = self._saved if self._saved is not None and self._saved[0] == work[0] \
            else (work[0], 0, 0)
        parts = []
        if actions - before[1]:
            parts.append(_plural(actions - before[1], "console action"))
        if hints - before[2]:
            parts.append(_plural(hints - before[2], "hint"))
        who = self.controller.trainee_name
        return (f"The trainee session{f' of {who}' if who else ''} has "
                f"{' and '.join(parts) or 'work'} not saved.")

    def _on_drop(self, request: DropRequest) -> None:
        if not self.may_drop(request.what):
            request.keep()
