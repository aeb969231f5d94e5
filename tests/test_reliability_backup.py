"""`python -m ingest backup` is consistent while uploads keep committing, and a backup restores."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from conftest import report

from ingest import db
from ingest.backup import backup
from ingest.cli import main
from ingest.load import load_file


def version(n: int) -> bytes:
    rows = [[f"F-{i}", f"Deliver improvement {i} for the finance team", "SO1", "Owner", 1000, 10,
             dt.date(2025, 1, 6), dt.date(2025, 3, 31), "In progress", 10 + n % 80, None, None] for i in range(300)]
    return report(rows)


def test_backup_under_writes_then_restore(tmp_path: Path) -> None:
    live = tmp_path / "live.duckdb"
    con = db.connect(live)
    load_file(con, version(0), "Finance_2025-02.xlsx")
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        cur = con.cursor()
        n = 0
        try:
            while not stop.is_set():
                n += 1
                load_file(cur, version(n), "Finance_2025-02.xlsx")
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            cur.close()

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.5)
    copies = []
    for i in range(3):
        path = tmp_path / f"backup-{i}.duckdb"
        backup(con.cursor(), path)
        copies.append(path)
        time.sleep(0.2)
    stop.set()
    t.join()
    assert errors == []
    con.close()
    for path in copies:
        b = db.connect(path)
        [(upload_id, rows)] = b.execute("SELECT upload_id, row_count FROM uploads WHERE is_current").fetchall()
        got = b.execute("SELECT upload_id, count(*), count(DISTINCT percent_complete) FROM action_status "
                        "WHERE is_current GROUP BY 1").fetchall()
        assert got == [(upload_id, rows, 1)]  # one whole version, the one uploads calls current
        b.close()
    # restore the first backup over the live database
    assert main(["restore", str(copies[0]), "--db", str(live)]) == 0
    restored = db.connect(live)
    assert restored.execute("SELECT count(*) FROM action_status WHERE is_current").fetchall() == [(300,)]
    restored.close()
    assert (tmp_path / "live.duckdb.before-restore").exists()
