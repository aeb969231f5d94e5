"""Organisation settings changed by a person (the Settings page): checked, saved by `db`, audited.

`ingest.settings` says what each setting is; `db.save_settings` stores them; this module adds
who may change them and the audit log's before and after.
"""

from __future__ import annotations

from typing import Any

from ingest import db
from ingest.access import User, require
from ingest.audit import audit


def change_setting(con: db.Connection, user: User, name: str, raw: Any) -> Any:
    """Save an organisation setting (admin only), audited; returns the value as stored.
    SettingsError says why a value is refused (out of range, or contradicting another setting)."""
    return change_settings(con, user, {name: raw})[name]


def change_settings(con: db.Connection, user: User, raws: dict[str, Any]) -> dict[str, Any]:
    """Save several organisation settings at once (admin only; a form), checked together and
    against those in force, so that a change which is consistent only as a whole (Red and Amber
    moved together) is accepted and one that contradicts is refused whole; each change audited.
    Returns the values as stored."""
    if not raws:
        return {}
    for name in raws:
        require(con, user, "settings", setting=name)
    before = {name: db.setting(con, name) for name in raws}
    values = db.save_settings(con, raws, user.email)
    for name, value in values.items():
        audit(con, user, "settings", "ok", setting=name, before=before[name], after=value)
    return values
