"""Upload IDs are never given twice, a restore notwithstanding.

An upload's ID is one above the highest held; a restore takes the uploads back to an earlier
state, so it records the highest ID given so far (meta's `upload_ids_after`, which a restore of
the shared store does not rewind and a restore of a file carries over), and the next upload's ID
is above that too: the audit log and the notifications never name one ID for two uploads.
"""

from __future__ import annotations

from ingest import db

KEY = "upload_ids_after"


def next_id(con: db.Connection) -> int:
    """The ID the next upload takes."""
    return int(db.scalar(con, db.sql("next_upload_id")) or 1)


def highest_named(con: db.Connection) -> int:
    """The highest upload ID the database has named anywhere (uploads, notifications, audit log)."""
    return int(db.scalar(con, db.sql("upload_ids_named")) or 0)


def keep_after(con: db.Connection, highest: int) -> None:
    """Record that uploads from now on take IDs above `highest` (never lowering the record);
    inside the caller's transaction."""
    highest = max(highest, int(db.scalar(con, db.sql("upload_ids_after"), {"k": KEY}) or 0))
    con.execute(db.sql("upload_ids_after_delete"), {"k": KEY})
    con.execute(db.sql("upload_ids_after_insert"), {"k": KEY, "v": highest})
