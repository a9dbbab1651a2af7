"""The DR console room: one rack's disaster recovery profile page and its dialogs.

``widget.py`` is the console (the profile page, refreshed from the state document);
``profile.py`` the create and enable dialogs and the validation list (R4–R8);
``failover.py`` the manual-action checklists and the failover dialogs (R11, R12);
``monitor.py`` the monitoring summaries and View details (R9); ``message.py`` the
console's answer line and the ``apply`` type the dialogs share."""

from app.console.failover import (
    Checklist,
    ChecklistItem,
    FailoverBackupDialog,
    FailoverDialog,
    FailoverPrimaryDialog,
)
from app.console.message import MessageLine
from app.console.monitor import MonitorDetailsDialog
from app.console.profile import CHECK_LABELS, CreateProfileDialog, EnableDialog
from app.console.widget import DrConsole

__all__ = [
    "CHECK_LABELS",
    "Checklist",
    "ChecklistItem",
    "CreateProfileDialog",
    "DrConsole",
    "EnableDialog",
    "FailoverBackupDialog",
    "FailoverDialog",
    "FailoverPrimaryDialog",
    "MessageLine",
    "MonitorDetailsDialog",
]
