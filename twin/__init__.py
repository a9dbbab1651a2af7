"""DR Twin engine: a headless, deterministic digital twin of two IBM PureApplication
System racks doing disaster recovery. Never imports Qt (see tests/test_architecture.py)."""

from twin import _codecache

_codecache.install()  # the dataclasses' methods compiled once, kept beside the bytecode
