"""Domain events: what a change in one subsystem means for the others.

A subsystem never reaches into another (or up into the Twin). When an accepted action or
a scheduled event of one subsystem concerns others, it *returns* one of these values (in
``Result.effects``, or from a scheduled callback); :meth:`twin.twin.Twin._dispatch` hands
each to the subsystems it concerns. The same shape as replication's ``Transition``
values (SimPy's events: results are values). Each class names the rule it carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from twin.states import FailoverType, Link


@dataclass(frozen=True, slots=True)
class BackupEnabled:
    """A rack's profile is enabled as backup: its cloud groups are deactivated and its
    ToR switches lose the takeover configuration (R10)."""

    rack: str


@dataclass(frozen=True, slots=True)
class PairEnabled:
    """Both profiles are enabled: initial copies start (R8), or DR is re-established the
    other way round when ``primary`` was the backup (R13)."""

    primary: str
    backup: str


@dataclass(frozen=True, slots=True)
class PrimaryFailedOver:
    """Start Failover on the primary (R11 step 2): replication and cloning stop."""

    rack: str


@dataclass(frozen=True, slots=True)
class BackupFailedOver:
    """Start Failover on the backup (R11 step 4, R12): it takes over its volumes."""

    rack: str
    type: FailoverType


@dataclass(frozen=True, slots=True)
class WritesChanged:
    """The set of workloads writing on some rack changed (started, stopped, failed)."""


@dataclass(frozen=True, slots=True)
class ManagementChanged:
    """A deploy (or image import, cloud group change) on ``rack``: cloned if ``rack`` is
    the replication source (R1, R14)."""

    kind: str
    name: str
    rack: str


@dataclass(frozen=True, slots=True)
class LinkChanged:
    """A link between the sites was cut, degraded or restored."""

    link: Link


@dataclass(frozen=True, slots=True)
class RackLost:
    """A site disaster: the rack, its routers and its storage are gone (R12)."""

    rack: str


@dataclass(frozen=True, slots=True)
class RackRestored:
    """The site is repaired, its data as it was (R13)."""

    rack: str


@dataclass(frozen=True, slots=True)
class StorageFailed:
    """The rack's V7000 failed: its volumes are gone, the rack stays up."""

    rack: str


@dataclass(frozen=True, slots=True)
class StorageRepaired:
    """A rack's failed V7000 storage is repaired."""
    rack: str


@dataclass(frozen=True, slots=True)
class ManagementNodesFailed:
    """Both management nodes of the rack failed: its console does not answer and
    management cloning stops."""

    rack: str


@dataclass(frozen=True, slots=True)
class ManagementNodesRepaired:
    """A rack's failed management nodes are repaired."""
    rack: str


Effect = (
    BackupEnabled | PairEnabled | PrimaryFailedOver | BackupFailedOver | WritesChanged
    | ManagementChanged | LinkChanged | RackLost | RackRestored | StorageFailed
    | StorageRepaired | ManagementNodesFailed | ManagementNodesRepaired
)
