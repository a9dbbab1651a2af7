"""DR Twin desktop application (PySide6): a view and a controller over a ``twin.Twin``."""
