"""What the Users and Audit pages read (ingest.directory), and the department choices they offer."""

from __future__ import annotations

import pandas as pd

import metrics
from ingest import db
from ingest.directory import (  # noqa: F401 (the pages read them through this module)
    AUDIT_COLUMNS,
    AUDIT_LIMIT,
    audit_choices,
    audit_log,
    heads_to_add,
    login_logged,
    user_departments,
    user_exists,
    users,
)


def department_names(departments: pd.DataFrame) -> list[str]:
    """The register's departments (else every department known), from `list_departments`."""
    listed = departments[departments["in_register"].astype(bool)]["department"].tolist()
    return [str(x) for x in (listed or departments["department"].tolist())]


def register_departments(con: db.Connection) -> list[str]:
    """Department names for the Users page's choice."""
    return department_names(metrics.list_departments(con))
