"""The `lekgotla` console script: the same commands, output and exit codes as `python -m ingest`
and `python -m metrics`, plus `lekgotla serve` for the dashboard."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from testdata import ROOT, SAMPLE

import lekgotla_cli

LEKGOTLA = Path(sys.executable).parent / "lekgotla"
# every command the issue names, written out so that losing one fails here
COMMANDS = {"validate", "load", "strategy", "annotate", "template", "backup", "restore",
            "kpis", "actions", "digest", "initiatives", "export", "pack", "notify", "serve"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=ROOT, timeout=120)



def test_the_script_is_installed() -> None:
    assert LEKGOTLA.exists(), "reinstall the project: pip install -e '.[dev]'"


def test_help_lists_every_command() -> None:
    done = run(LEKGOTLA, "--help")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.split("commands:")[1].splitlines()
              if line.startswith("  ")}
    assert listed == COMMANDS == set(lekgotla_cli.commands())
    assert "streamlit run dashboard/app.py" in done.stdout


def test_no_command_or_an_unknown_one_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert lekgotla_cli.main([]) == 2
    assert "commands:" in capsys.readouterr().err
    assert lekgotla_cli.main(["lod"]) == 2
    assert "unknown command 'lod'" in capsys.readouterr().err


def test_validate_json_equals_python_m_ingest(db_path: Path) -> None:
    report = SAMPLE / "reports" / "Finance_2025-02.xlsx"
    ours = run(LEKGOTLA, "validate", report, "--db", db_path, "--json")
    theirs = run(sys.executable, "-m", "ingest", "validate", report, "--db", db_path, "--json")
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert json.loads(ours.stdout)["department"] == "Finance"


def test_kpis_json_equals_python_m_metrics(db_path: Path) -> None:
    ours = run(LEKGOTLA, "kpis", "--period", "2025-06", "--db", db_path, "--json")
    theirs = run(sys.executable, "-m", "metrics", "kpis", "--period", "2025-06", "--db", db_path,
                 "--json")
    assert ours.returncode == theirs.returncode == 0, ours.stderr
    # equal to the last bits that DuckDB's order of summing (threads) can move
    got, want = json.loads(ours.stdout), json.loads(theirs.stdout)
    assert list(got) == list(want)
    for key, value in want.items():
        assert got[key] == (pytest.approx(value, rel=1e-12) if isinstance(value, float)
                            else value), key
    assert json.loads(ours.stdout)["period"] == "2025-06"


def test_exit_codes_and_messages_pass_through(db_path: Path) -> None:
    ours = run(LEKGOTLA, "kpis", "--period", "2025-06", "--department", "Nowhere", "--db", db_path)
    theirs = run(sys.executable, "-m", "metrics", "kpis", "--period", "2025-06", "--department",
                 "Nowhere", "--db", db_path)
    assert ours.returncode == theirs.returncode == 2
    assert ours.stderr == theirs.stderr and "Nowhere" in ours.stderr


def test_serve_runs_streamlit_on_the_dashboard_with_the_arguments_after_it() -> None:
    command = lekgotla_cli.serve_command(["--server.port", "8600"])
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert Path(command[4]) == ROOT / "dashboard" / "app.py"
    assert command[5:] == ["--server.port", "8600"]
    done = run(LEKGOTLA, "serve", "--help")  # streamlit run's own help: nothing is started
    assert done.returncode == 0, done.stderr
    assert "streamlit run" in done.stdout.lower()


# the least each command takes to get past its parser
ARGUMENTS = {"validate": ["f.xlsx"], "load": ["f.xlsx"], "strategy": ["f.xlsx"],
             "annotate": ["f.xlsx", "--out", "o.xlsx"], "restore": ["b.duckdb"], "backup": [],
             "template": ["--department", "Finance", "--period", "2025-07", "--out", "t.xlsx"],
             "kpis": ["--period", "2025-06"], "actions": ["--period", "2025-06"],
             "digest": ["--period", "2025-06"], "initiatives": ["--period", "2025-06"],
             "export": ["--period", "2025-06", "--format", "csv", "--out", "e.csv"],
             "pack": ["--period", "2025-06", "--out", "p.html"], "notify": []}


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
@pytest.mark.parametrize(("name", "value", "said"), [
    ("DATE_ORDER", "mdy", "Setting 'date_order' must be DMY, MDY or YMD, not 'mdy'."),
    ("AMBER_SCHEDULE_VARIANCE", "-30", "Amber schedule variance (-30 pp) must be above Red"),
])
def test_a_bad_setting_stops_every_command_before_it_starts(
        command: str, name: str, value: str, said: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(f"LEKGOTLA_{name}", value)
    dbp = tmp_path / "l.duckdb"
    assert lekgotla_cli.main([command, *ARGUMENTS[command], "--db", str(dbp)]) == 2
    assert said in capsys.readouterr().err
    assert sorted(tmp_path.iterdir()) == [], "nothing was read or written"


def test_stopping_serve_stops_the_dashboard(tmp_path: Path) -> None:
    from tools.launch import free_port

    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    start = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import lekgotla_cli; "
             f"sys.exit(lekgotla_cli.main(sys.argv[1:]))")
    env = dict(os.environ, LEKGOTLA_DB=str(tmp_path / "l.duckdb"), LEKGOTLA_LOAD_SAMPLE_DATA="false")
    log = tempfile.TemporaryFile()
    # its own process group, so that a Streamlit left behind is still found and ended below
    proc = subprocess.Popen(
        [sys.executable, "-c", start, "serve", "--server.port", str(port), "--server.headless",
         "true", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(tmp_path / "no-secrets.toml")],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def answers() -> bool:
        try:
            with urllib.request.urlopen(health, timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 60
        while not answers():
            assert proc.poll() is None and time.monotonic() < deadline, log.seek(0) or log.read()
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)  # as systemd or a container stops `lekgotla serve`
        proc.wait(timeout=15)
        time.sleep(0.5)
        assert not answers(), "the dashboard still runs after `lekgotla serve` was stopped"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        log.close()
