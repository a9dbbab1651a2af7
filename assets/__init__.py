"""The icons and the style sheet, shipped as the package data ``app.assets`` (pyproject.toml
``package-dir``; app/resources.py reads them)."""
