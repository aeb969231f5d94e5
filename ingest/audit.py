"""The audit log's writer: one entry per write, refusal, export, login or restore.

Below the role policy (`ingest.access` logs its refusals here), so it knows an actor only as
something with an email, or the email itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from ingest import db


class Actor(Protocol):
    """Whoever acted: an `ingest.access.User`, of which the log keeps the email."""

    @property
    def email(self) -> str: ...


def audit(con: db.Connection, actor: Actor | str, action: str, outcome: str, department: str | None = None,
          period: str | None = None, **detail: Any) -> None:
    """Append one entry to the audit log (inside the caller's transaction when there is one)."""
    who = actor if isinstance(actor, str) else actor.email
    # part of the caller's transaction, else its own (max + 1 stays unique with writers at once)
    entry = {"at": datetime.now(), "who": who, "action": action, "outcome": outcome,
             "dept": department, "period": period,
             "detail": json.dumps(detail, ensure_ascii=False, default=str)}
    db.write(con, lambda c: c.execute(db.sql("audit_append"), entry))
