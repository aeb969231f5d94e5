"""Checks made before the dashboard opens its database: fail fast, with a message that says what
to do, when a setting, a package or the login configuration is missing or wrong."""

from __future__ import annotations

import importlib

from dashboard import auth
from ingest import settings
from ingest.errors import LekgotlaError

# packages the dashboard cannot run safely without (import name, why)
REQUIRED_PACKAGES: tuple[tuple[str, str], ...] = (
    ("defusedxml", "reading workbooks safely (no XML entity attacks)"),
    ("openpyxl", "reading and writing workbooks"),
    ("python_calamine", "reading workbooks"),
)


def check() -> None:
    """Raise LekgotlaError for the first thing that stops the dashboard from starting."""
    for module, why in REQUIRED_PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise LekgotlaError(
                f"The package {module!r}, needed for {why}, cannot be imported ({e}). Install "
                "Lekgotla with its dependencies: `pip install -e .`.",
                "A required package is missing") from e
    settings.check_all()
    section = auth.auth_section()
    if section is None:
        if settings.get("require_login"):
            raise LekgotlaError(
                "The setting require_login is on, but no login is configured: add an [auth] "
                "section to .streamlit/secrets.toml (see .streamlit/secrets.example.toml). The "
                "dashboard does not start in demo mode while login is required.",
                "Login is required but not configured")
        return
    auth.check_auth(section)
