"""The command line's public outputs on the sample data are those of the code before issue 13's
reshaping (tests/data/golden/ was written by that code): the JSON of `kpis` and `actions`, the
export CSV and the review packs' stamps. Changed since, on purpose: the text of `kpis` prints
budget utilisation as the rate the catalogue says it is (it printed 0.69), and `kpis` names the
month its figures are of (`month`: for a quarter, its last month with data)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from presentation.cli import main

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
PERIODS = ("2025-01", "2025-03", "2025-06", "2025-Q2")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What the command printed, standard output then standard error."""
    capsys.readouterr()
    assert main(list(argv)) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


def same(got: Any, want: Any, where: str = "") -> None:
    """Equal, with floats equal to the last bits DuckDB's order of summing can move."""
    if isinstance(want, float) and isinstance(got, float):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15), f"{where}: {got} != {want}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for key in want:
            same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {len(got)} rows != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("department", [None, "Finance"])
def test_kpis_json_is_unchanged(db_path: Path, capsys: pytest.CaptureFixture[str], period: str,
                                department: str | None) -> None:
    argv = ["kpis", "--db", str(db_path), "--period", period, "--json"]
    name = f"kpis_{period}.json"
    if department:
        argv += ["--department", department]
        name = f"kpis_fin_{period}.json"
    got = json.loads(cli(capsys, *argv))
    # added since, on purpose: the month a quarter's figures are of (its last with data)
    assert got.pop("month") == ("2025-06" if period == "2025-Q2" else period)
    same(got, json.loads((GOLDEN / name).read_text()), name)


def test_kpis_text_is_the_catalogues(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = cli(capsys, "kpis", "--db", str(db_path), "--period", "2025-06")
    before = (GOLDEN / "kpis_2025-06.txt").read_text()
    assert "budget_utilisation       0.69\n" in before
    after = before.replace("budget_utilisation       0.69\n", "budget_utilisation       69.2%\n")
    # and the month the figures are of, after the period
    after = after.replace("period                   2025-06\n",
                          "period                   2025-06\nmonth                    2025-06\n")
    assert text == after


def test_actions_json_is_unchanged(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = json.loads(cli(capsys, "actions", "--db", str(db_path), "--period", "2025-06", "--json"))
    same(got, json.loads((GOLDEN / "actions_2025-06.json").read_text()), "actions")


def test_export_csv_is_unchanged(db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    cli(capsys, "export", "--db", str(db_path), "--period", "2025-06", "--format", "csv", "--out", str(out))
    assert out.read_bytes() == (GOLDEN / "export_2025-06.csv").read_bytes()


@pytest.mark.parametrize(("argv", "stamp"), [
    (["--period", "2025-06"], "a324f4d22299"),
    (["--period", "2025-Q2", "--department", "Finance"], "48120a094c23"),
])
def test_pack_stamp_is_unchanged(db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 argv: list[str], stamp: str) -> None:
    text = cli(capsys, "pack", "--db", str(db_path), *argv, "--out", str(tmp_path), "--no-pdf")
    assert f"Review pack {stamp} written" in text
