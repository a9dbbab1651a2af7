"""DR Twin engine: a headless, deterministic digital twin of two IBM PureApplication
System racks doing disaster recovery. Never imports Qt (see tests/test_architecture.py)."""
