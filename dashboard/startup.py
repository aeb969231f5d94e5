"""Checks made before the dashboard opens its database: fail fast, with a message that says what
to do, when a setting, a package or the login configuration is missing or wrong."""

from __future__ import annotations

import functools
import importlib
import os

from streamlit import config

from dashboard import auth, shared_cache
from ingest import settings
from ingest.errors import LekgotlaError

# packages the dashboard cannot run safely without (import name, why)
REQUIRED_PACKAGES: tuple[tuple[str, str], ...] = (
    ("defusedxml", "reading workbooks safely (no XML entity attacks)"),
    ("openpyxl", "reading and writing workbooks"),
    ("python_calamine", "reading workbooks"),
)


def secrets_as_streamlit_reads_them() -> None:
    """Lekgotla's settings come from the secrets files Streamlit was given (`--secrets.files`), as
    the [auth] section does: else a `require_login` or `admin_emails` written there is ignored."""
    if settings.SECRETS_FILES in os.environ or not config.is_manually_set("secrets.files"):
        return
    files = [str(f) for f in config.get_option("secrets.files") if os.path.isfile(f)]
    if files:
        os.environ[settings.SECRETS_FILES] = os.pathsep.join(files)


@functools.cache
def _warn_once() -> None:
    settings.warn_unknown()  # to the server's log, once a process: a misspelt setting is ignored


def check() -> None:
    """Raise LekgotlaError for the first thing that stops the dashboard from starting."""
    secrets_as_streamlit_reads_them()
    for module, why in REQUIRED_PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise LekgotlaError(
                f"The package {module!r}, needed for {why}, cannot be imported ({e}). Install "
                "Lekgotla with its dependencies: `pip install -e .`.",
                "A required package is missing") from e
    settings.check_all()
    _warn_once()
    shared_cache.opened()  # its folder made, and refused when others can write to it
    section = auth.auth_section()
    if section is None:
        if settings.get("require_login"):
            raise LekgotlaError(
                "The setting require_login is on, but no login is configured: add an [auth] "
                f"section to {' or '.join(str(f) for f in settings.secrets_files())} (see "
                ".streamlit/secrets.example.toml). The dashboard does not start in demo mode "
                "while login is required.",
                "Login is required but not configured")
        return
    auth.check_auth(section)
