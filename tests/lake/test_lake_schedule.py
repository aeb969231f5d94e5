"""Several dashboards over one shared store run the same schedule: when a scheduled backup or the
store's upkeep falls due, all of them find it due at once, and exactly one does it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from backends import Lakes

from ingest import db, lake
from ingest.backup import backup_files, scheduled_backup

DASHBOARDS = 3
NOW = datetime(2027, 1, 5, 2, 0)  # after the sample load's own upkeep


def scheduled(target: str, folder: str, start: Any, results: Any) -> None:
    con = db.connect(target)
    start.wait()  # all at the same moment, as after a restart of every dashboard
    made = scheduled_backup(con, Path(folder), every_hours=24, keep=5, now=NOW)
    upkeep = lake.maintain_if_due(con, now=NOW)
    results.put((made is not None, upkeep is not None))
    con.close()


def test_one_of_several_dashboards_takes_the_scheduled_backup_and_the_upkeep(
        tmp_path: Path, spawn: Any) -> None:
    target = Lakes.sample()
    con = db.connect(target)
    snapshots = db.scalar(con, "SELECT count(*) FROM kept_snapshots")
    con.close()
    folder = tmp_path / "backups"  # a folder the machines share

    start, results = spawn.Barrier(DASHBOARDS), spawn.Queue()
    workers = [spawn.Process(target=scheduled, args=(target, str(folder), start, results))
               for _ in range(DASHBOARDS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=240)
    assert [w.exitcode for w in workers] == [0] * DASHBOARDS
    took = [results.get(timeout=5) for _ in workers]

    assert sorted(b for b, _ in took) == [False] * (DASHBOARDS - 1) + [True]
    assert sorted(m for _, m in took) == [False] * (DASHBOARDS - 1) + [True]
    assert [p.name for p in backup_files(folder)] == ["lekgotla-20270105T020000.lake.json"]
    con = db.connect(target)
    assert db.scalar(con, "SELECT count(*) FROM kept_snapshots") == snapshots + 1  # one pinned
    # the next look, an hour later, finds both done
    assert scheduled_backup(con, folder, every_hours=24, keep=5,
                            now=NOW.replace(hour=3)) is None
    assert lake.maintain_if_due(con, now=NOW.replace(hour=3)) is None
    con.close()


def test_a_claim_is_taken_once_per_interval(tmp_path: Path) -> None:
    con = db.connect(Lakes.empty())
    assert db.claim(con, "job", 3600, now=1_000_000)
    assert not db.claim(con, "job", 3600, now=1_000_000 + 3599)  # still within the hour
    assert db.claim(con, "job", 3600, now=1_000_000 + 3600)
    assert db.claim(con, "other job", 3600, now=1_000_000 + 3600)  # jobs are apart
    con.close()
