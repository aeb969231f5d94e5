"""Promises about the project as a whole: import layers, the docs, the console script, the
sample data. Fixtures from tests/conftest.py."""
