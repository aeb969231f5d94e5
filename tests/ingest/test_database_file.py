"""A DuckDB file Lekgotla makes opens on both DuckDB lines it runs on (README "DuckDB"): one made
under 2.x is written in the storage format DuckDB 1.4 reads, so installing the lake extra (which
pins 1.4) after a first start, or moving to the shared store, finds the file readable."""

from __future__ import annotations

import struct
from pathlib import Path

import duckdb
import pytest

from ingest import backup, db, settings
from ingest.errors import LekgotlaError, SettingsError
from ingest.sample import load_sample_data

# DuckDB 1.4 reads storage versions 64 to 67 (its "can only read versions between" message);
# DuckDB 2.x writes 999 unless told otherwise
NEWEST_1_4_READS = 67


def storage_version(path: Path) -> int:
    """The storage version in a DuckDB file's main header: after an 8-byte checksum, the magic
    bytes DUCK, then the version as a little-endian 64-bit number."""
    head = path.read_bytes()[:20]
    assert head[8:12] == b"DUCK"
    return int(struct.unpack("<Q", head[12:20])[0])


def test_a_new_database_file_is_written_in_a_format_duckdb_1_4_reads(tmp_path: Path) -> None:
    path = tmp_path / "lekgotla.duckdb"
    db.connect(path).close()
    assert storage_version(path) <= NEWEST_1_4_READS


def test_the_file_keeps_that_format_as_data_is_written_to_it(tmp_path: Path) -> None:
    path = tmp_path / "lekgotla.duckdb"
    con = db.connect(path)
    made = storage_version(path)
    load_sample_data(con)
    con.execute("CHECKPOINT")
    con.close()
    con = db.connect(path)  # reopened: the format is the file's, not the opening library's
    con.execute("CHECKPOINT")
    uploads = db.scalar(con, "SELECT count(*) FROM uploads")
    con.close()
    assert uploads == 41
    assert storage_version(path) == made <= NEWEST_1_4_READS


# DuckDB 2.x's own storage version, which it writes without the setting
DUCKDB2_STORAGE = 999


def duckdb2_file(path: Path) -> Path:
    """An empty database file in DuckDB 2.x's own format: what a Lekgotla file made under 2.x
    before FILE_STORAGE looks like. Under 2.x, made as 2.x makes it; under 1.4, made by 1.4 with
    its main header saying 999, checksummed again as DuckDB checksums a block (5381, then each
    8-byte word times 0xbf58476d1ce4e5b9, XORed in; the 8 bytes before cover the rest of the
    4,096), so that 1.4 reads the header and refuses the version, as it does a real 2.x file."""
    duckdb.connect(str(path)).close()
    if storage_version(path) == DUCKDB2_STORAGE:
        return path
    with path.open("r+b") as f:
        block = bytearray(f.read(4096))
        struct.pack_into("<Q", block, 12, DUCKDB2_STORAGE)
        checksum = 5381
        for (word,) in struct.iter_unpack("<Q", bytes(block[8:])):
            checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        struct.pack_into("<Q", block, 0, checksum)
        f.seek(0)
        f.write(block)
    return path


def test_a_file_in_duckdb_2s_format_says_how_to_open_it_where_duckdb_1_4_runs(
        tmp_path: Path) -> None:
    path = duckdb2_file(tmp_path / "lekgotla.duckdb")
    assert storage_version(path) == DUCKDB2_STORAGE
    if int(duckdb.__version__.split(".")[0]) >= 2:
        con = db.connect(path)  # 2.x reads it and migrates it in place
        assert db.scalar(con, "SELECT count(*) FROM uploads") == 0
        con.close()
        return
    with pytest.raises(LekgotlaError, match="written by a newer DuckDB") as refused:
        db.connect(path)
    assert "pip install -e ." in refused.value.message
    assert "python -m ingest backup" in refused.value.message
    with pytest.raises(LekgotlaError, match="newer DuckDB.*Nothing was changed"):
        backup.restore(path, tmp_path / "live.duckdb")
    assert not (tmp_path / "live.duckdb").exists()


def test_the_threads_setting_caps_duckdbs_threads(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEKGOTLA_THREADS", "1")  # deploy/start: cores ÷ instances
    con = db.connect(tmp_path / "one.duckdb")
    assert db.scalar(con, "SELECT current_setting('threads')") == 1
    con.close()
    monkeypatch.setenv("LEKGOTLA_THREADS", "-1")
    with pytest.raises(SettingsError, match="threads"):
        settings.get("threads")


@pytest.mark.parametrize(("size", "words"), [
    (0, "0 bytes"), (999, "999 bytes"), (2_150, "2.1 kB"), (310_520_000, "310.5 MB"),
    (1_230_000_000, "1.2 GB"), (12_345_000_000_000, "12,345.0 GB")])
def test_a_backups_size_is_said_in_the_unit_it_needs(size: int, words: str) -> None:
    # a shared store's manifest is a few kB: it read "0.0 MB" when every size was in MB
    assert backup.size_text(size) == words
