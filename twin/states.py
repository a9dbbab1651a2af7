"""One vocabulary for states: every state the engine produces, as a ``StrEnum``.

The engine, the state document (scenario-format.md), the scenario files and the app use
these names; a ``StrEnum`` member *is* its string (``ReplicationState.IDLING == "idling"``,
and JSON writes it as ``"idling"``), so a check in a scenario file compares as written.
``tests/test_gui_theme.py`` asserts that the app has a colour and a label for every
member, so a state added here cannot reach the screen unexplained.
"""

from __future__ import annotations

from enum import StrEnum


class ReplicationState(StrEnum):
    """SVC remote copy consistency group states (R18)."""

    INCONSISTENT_STOPPED = "inconsistent_stopped"
    INCONSISTENT_COPYING = "inconsistent_copying"
    CONSISTENT_SYNCHRONIZED = "consistent_synchronized"
    CONSISTENT_STOPPED = "consistent_stopped"
    IDLING = "idling"
    IDLING_DISCONNECTED = "idling_disconnected"
    INCONSISTENT_DISCONNECTED = "inconsistent_disconnected"
    CONSISTENT_DISCONNECTED = "consistent_disconnected"
    CONSISTENT_COPYING = "consistent_copying"  # Global Mirror with change volumes: a cycle

    @property
    def is_consistent(self) -> bool:
        """Does a group in this state leave the secondary with a usable copy?"""
        return self.startswith("consistent")

    @property
    def is_disconnected(self) -> bool:
        return self.endswith("_disconnected")


class ReplicationMode(StrEnum):
    """The copy type of the consistency group (R21): ``system.replication.mode``."""

    GLOBAL_MIRROR = "global-mirror"  # asynchronous, writes sent as they happen
    CHANGE_VOLUMES = "global-mirror-change-volumes"  # cycling mode multiple
    METRO_MIRROR = "metro-mirror"  # synchronous, up to 300 km


class ManagementState(StrEnum):
    """The management data clone (R1, R8)."""

    NOT_STARTED = "not_started"
    INITIAL_COPY = "initial_copy"
    SYNCHRONIZED = "synchronized"
    STALLED = "stalled"  # the IP link is down: nothing flows, changes queue
    STOPPED = "stopped"  # after a failover: changes stay on this rack (R14)

    @property
    def flowing(self) -> bool:
        """Is data crossing the IP link for the clone?"""
        return self in (ManagementState.INITIAL_COPY, ManagementState.SYNCHRONIZED)


class WorkloadStatus(StrEnum):
    """A workload on the rack that runs it (R10, R14, R17). A workload waiting for its
    dependencies or for compute capacity is ``starting``."""

    RUNNING = "running"
    STOPPED = "stopped"
    STARTING = "starting"
    FAILED = "failed"


class ProfileState(StrEnum):
    """A DR profile (R5): defined ("/"), validated (check mark), enabled in a role."""

    DEFINED = "defined"
    VALIDATED = "validated"
    ENABLED = "enabled"


class Role(StrEnum):
    """The role of a rack's enabled DR profile; ``none`` after a failover (R11)."""

    PRIMARY = "primary"
    BACKUP = "backup"
    NONE = "none"


class FailoverType(StrEnum):
    PLANNED = "planned"  # R11
    UNPLANNED = "unplanned"  # R12


class RackStatus(StrEnum):
    UP = "up"
    LOST = "lost"


class Link(StrEnum):
    """The two links between the sites (domain.md §1)."""

    FC = "fc"  # Fibre Channel: SAN replication
    IP = "ip"  # management cloning, trust, monitoring


class RtoPhase(StrEnum):
    """The phase of an outage now (R16): the RTO breakdown's four parts, in order."""

    DECISION = "decision"
    DATA_SYNC = "data_sync"
    RESTART = "restart"
    NETWORK = "network"
