"""Every file of the hostile corpus (tests/data/bad/, from make_bad_files.py) is read correctly or
rejected with a message naming the reason, inside the upload worker's limits (10 s, 500 MB), and a
rejected file writes no report."""

from __future__ import annotations

from pathlib import Path

import pytest
from make_bad_files import EXPECTED, OUT

from ingest import db
from ingest.load import load_file


def test_the_corpus_on_disk_is_what_the_script_writes() -> None:
    assert len(EXPECTED) >= 25
    assert sorted(p.name for p in OUT.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_READ_TIMEOUT_S", "10")
    monkeypatch.setenv("LEKGOTLA_READ_MEMORY_MB", "500")
    con = db.connect(tmp_path / "db.duckdb")
    outcomes = load_file(con, (OUT / name).read_bytes(), name, bounded=True, department="Finance",
                         period="2025-02")
    expected = EXPECTED[name]
    stored = con.execute("SELECT count(*) FROM action_status").fetchall()[0][0]
    if expected == "ok":
        assert [o.status for o in outcomes] == ["accepted"], [p.describe() for o in outcomes for p in o.problems]
        assert stored == outcomes[0].rows > 0
    else:
        assert [o.status for o in outcomes] == ["rejected"]
        messages = [p.message for o in outcomes for p in o.problems if p.severity == "error"]
        assert any(expected in m for m in messages), messages
        assert "took longer than" not in " ".join(messages) and "needed more than" not in " ".join(messages)
        assert stored == 0
        assert con.execute("SELECT count(*) FROM raw_files").fetchall() == [(0,)]
    con.close()
