"""The instructor's faults: which ones apply to a thing in the topology (a pure function of
the state document), the two dialogs that ask for a fault's values (degrade a link, surge
a workload's writes) and the context menu built from them. Every entry ends as a
``twin.actions`` action handed to ``apply`` (the controller's); entries that cannot apply
now are shown disabled, so a trainer sees what exists."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMenu,
    QWidget,
)

from twin import actions as A
from twin.events import Result

DegradeValues = tuple[float, float, float]  # added latency ms, bandwidth Mb/s, loss %
SurgeValues = tuple[float, float]  # write rate MB/s, duration s


@dataclass(frozen=True)
class Entry:
    """One line of a fault menu: a heading, an action applied as is, or a fault whose
    values are asked first (``ask`` is ``degrade`` or ``surge``, ``target`` the link or
    the workload)."""

    text: str
    action: A.Action | None = None
    ask: str = ""
    target: str = ""
    enabled: bool = True
    heading: bool = False


def entries(node_id: str, st: Mapping[str, Any], failed_nodes: Collection[int] = ()) -> list[Entry]:
    """The faults that apply to ``node_id`` (a topology node id) in state ``st``;
    ``failed_nodes`` are the failed compute nodes of the node's rack."""
    out: list[Entry] = []
    kind = node_id.split(":", 1)[0]
    if kind == "link":
        link = node_id.split(":", 1)[1]
        ls = st["links"][link]
        name = link.upper()
        return [Entry(f"{name} link", heading=True),
                Entry(f"Cut the {name} link", A.CutLink(link=link), enabled=bool(ls["up"])),
                Entry(f"Degrade the {name} link…", ask="degrade", target=link),
                Entry(f"Restore the {name} link", A.RestoreLink(link=link),
                      enabled=not ls["up"] or bool(ls["degraded"]))]
    if kind == "workload":
        name = node_id.split(":", 1)[1]
        return [Entry(f"Workload {name}", heading=True),
                Entry(f"Surge the writes of {name}…", ask="surge", target=name)]
    rack = node_id.split(":")[1] if ":" in node_id else None
    if kind == "compute" and rack is not None:
        i = int(node_id.split(":")[2])
        out += [Entry(f"Compute node {i + 1:02d} · {rack}", heading=True),
                Entry(f"Fail compute node {i + 1:02d}", A.FailComputeNode(rack=rack, node=i),
                      enabled=i not in failed_nodes)]
    if rack is not None and rack in st["racks"]:
        rs = st["racks"][rack]
        up = rs["status"] == "up"
        out += [Entry(f"Rack {rack}", heading=True),
                Entry(f"Lose rack {rack} (site disaster)", A.LoseRack(rack=rack), enabled=up),
                Entry(f"Restore rack {rack}", A.RestoreRack(rack=rack), enabled=not up),
                Entry(f"Fail the V7000 storage of {rack}", A.FailStorage(rack=rack),
                      enabled=up and not rs["storage_failed"]),
                Entry(f"Fail a management node of {rack}", A.FailManagementNode(rack=rack),
                      enabled=up and rs.get("management_nodes_failed", 0) < 2)]
    return out


def degrade_action(link: str, values: DegradeValues) -> A.DegradeLink:
    latency, bandwidth, loss = values
    return A.DegradeLink(link=link, latency_ms=latency, bandwidth_mbps=bandwidth, loss_pct=loss)


def surge_action(workload: str, values: SurgeValues) -> A.SurgeWrites:
    rate, seconds = values
    return A.SurgeWrites(workload=workload, write_mb_s=rate, for_=seconds)


def build_menu(items: list[Entry], apply: Callable[[A.Action], Result],
               ask_degrade: Callable[[str], DegradeValues | None],
               ask_surge: Callable[[str], SurgeValues | None],
               parent: QWidget | None = None) -> QMenu:
    """The context menu of ``items``: each entry applies its action; a fault with values
    asks for them first (a cancelled dialog applies nothing)."""
    menu = QMenu(parent)
    menu.setObjectName("faultMenu")
    for e in items:
        if e.heading:
            _heading(menu, e.text)
            continue
        act = menu.addAction(e.text)
        act.setEnabled(e.enabled)
        if e.action is not None:
            act.setData(e.action.do)
            act.triggered.connect(lambda _=False, a=e.action: apply(a))
        elif e.ask == "degrade":
            act.triggered.connect(lambda _=False, t=e.target: _ask_then_apply(
                ask_degrade(t), lambda v: degrade_action(t, v), apply))
        elif e.ask == "surge":
            act.triggered.connect(lambda _=False, t=e.target: _ask_then_apply(
                ask_surge(t), lambda v: surge_action(t, v), apply))
    return menu


def _ask_then_apply(values: Any, make: Callable[[Any], A.Action],
                    apply: Callable[[A.Action], Result]) -> None:
    if values is not None:
        apply(make(values))


def _heading(menu: QMenu, text: str) -> None:
    """A bold, inert heading (QMenu sections lose their text under a style sheet)."""
    if menu.actions():
        menu.addSeparator()
    act = menu.addAction(text)
    f = act.font()
    f.setBold(True)
    act.setFont(f)
    act.setEnabled(False)
    act.setProperty("heading", True)


class DegradeDialog(QDialog):
    """Latency, bandwidth and loss for a degraded link."""

    def __init__(self, link: str, bandwidth_mbps: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Degrade the {link.upper()} link")
        form = QFormLayout(self)
        form.addRow(QLabel(f"The {link.upper()} link runs at {bandwidth_mbps:,.0f} Mb/s. "
                           "Injected as an instructor's fault."))
        self.latency = QDoubleSpinBox(suffix=" ms", maximum=1000, decimals=1, value=20)
        self.bandwidth = QDoubleSpinBox(suffix=" Mb/s", minimum=0.1, maximum=1e6,
                                        decimals=1, value=max(0.1, bandwidth_mbps / 4))
        self.loss = QDoubleSpinBox(suffix=" %", maximum=100, decimals=1, value=0)
        form.addRow("Added latency (one way)", self.latency)
        form.addRow("Bandwidth", self.bandwidth)
        form.addRow("Packet loss", self.loss)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> DegradeValues:
        return self.latency.value(), self.bandwidth.value(), self.loss.value()


class SurgeDialog(QDialog):
    """Write rate and duration of a write surge."""

    def __init__(self, workload: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Surge the writes of {workload}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"{workload} writes at this rate, then returns to normal."))
        self.rate = QDoubleSpinBox(suffix=" MB/s", minimum=0.1, maximum=100_000, decimals=1,
                                   value=200)
        self.minutes = QDoubleSpinBox(suffix=" min", minimum=0.1, maximum=24 * 60, decimals=1,
                                      value=10)
        form.addRow("Write rate", self.rate)
        form.addRow("Duration", self.minutes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> SurgeValues:
        return self.rate.value(), self.minutes.value() * 60.0


def ask_degrade(link: str, bandwidth_mbps: float, parent: QWidget | None = None
                ) -> DegradeValues | None:
    """Ask for a degradation (modal); None if cancelled."""
    dlg = DegradeDialog(link, bandwidth_mbps, parent)
    return dlg.values() if dlg.exec() == QDialog.DialogCode.Accepted else None


def ask_surge(workload: str, parent: QWidget | None = None) -> SurgeValues | None:
    """Ask for a write surge (modal); None if cancelled."""
    dlg = SurgeDialog(workload, parent)
    return dlg.values() if dlg.exec() == QDialog.DialogCode.Accepted else None
