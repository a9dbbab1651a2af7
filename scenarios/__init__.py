"""The bundled scenarios, shipped as the package data ``app.scenarios`` (pyproject.toml
``package-dir``; app/resources.py reads them). Each file here is also a test case."""
