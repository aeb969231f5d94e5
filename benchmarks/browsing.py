"""What benchmarks/browser.py and benchmarks/load.py share: the pages they open, the dashboard
started on 127.0.0.1 only on a history of benchmarks/pages.py, and the statistics they print.
The app launcher and the browser driver (with its clock in the page, tools.browser.CLOCK_JS, that
says when a page settled) are tools'."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.launch import App, started_app

# (URL path, title) of the pages every role may view, as dashboard/app.py names them
VIEW_PAGES: tuple[tuple[str, str], ...] = (
    ("", "Overview"), ("alignment", "Alignment"), ("slippage", "Slippage"),
    ("department", "Department"), ("submissions", "Submissions"), ("explore", "Explore & export"),
)
# the demo user is an admin, who does not upload: the Upload page is opened as the M&E team
ADMIN_PAGES: tuple[tuple[str, str], ...] = (
    ("upload?demo_role=M%26E+team", "Upload"), ("review_pack", "Review pack"), ("settings", "Settings"),
    ("users", "Users"), ("audit", "Audit"),
)


@contextmanager
def serving(db_path: Path) -> Iterator[App]:
    """The dashboard on 127.0.0.1 only, on this database, in demo mode and without loading
    sample data."""
    with started_app(db_path, timeout=120, address="127.0.0.1",
                     env={"LEKGOTLA_LOAD_SAMPLE_DATA": "false"}) as app:
        yield app


def rss_mb(pid: int) -> float:
    """Resident memory of a process now (Linux)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its finished children have used so far (Linux):
    the server's own cost, which other work on the machine does not inflate as it does the
    wall-clock times."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def database_for(size: str) -> Path:
    """The 1M-row (or other) history database of benchmarks/pages.py, built when missing."""
    from benchmarks import pages

    path, built = pages.database(pages.SIZES[size])
    if built:
        print(f"built {path.name} in {built:.1f} s")
    return Path(path)
