"""The review pack's cross-department part (issue 16): the organisation KPI of late dependencies
across departments, each department's dependencies, the initiatives and the blocked actions
across departments — gathered from metrics.dependencies for the pack's filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ingest.db import Connection
from metrics.dependencies import (
    blocked_actions,
    department_dependencies,
    dependency_kpi,
    initiatives,
)
from metrics.filters import Filters
from metrics.pack_parts import steady


@dataclass(frozen=True)
class CrossDepartment:
    """The pack's cross-department section: `kpi` (dependency_kpi), `departments`
    (department_dependencies), `initiatives` (with `departments`: the register's members, else
    the departments with an action in it) and `blocked` (the late links across departments,
    the most days late first, with both sources)."""

    kpi: dict[str, Any]
    departments: pd.DataFrame
    initiatives: pd.DataFrame
    blocked: pd.DataFrame


def cross_department(con: Connection, filters: Filters) -> CrossDepartment:
    """The cross-department section for the pack's filters (its month: the filters' own)."""
    blocked = blocked_actions(con, filters)
    blocked = blocked[blocked["cross_department"].astype(bool)].reset_index(drop=True)
    shared = initiatives(con, filters)
    shared = shared.assign(departments=shared["member_departments"].fillna(
        shared["departments_with_actions"]))
    return CrossDepartment(kpi=dependency_kpi(con, filters),
                           departments=steady(department_dependencies(con, filters)),
                           initiatives=steady(shared), blocked=steady(blocked))
