"""What benchmarks/browser.py and benchmarks/load.py share: the dashboard started on 127.0.0.1
only, headless Chromium, and a clock in the page that says when it settled.

A page has settled when its script is no longer running (the app's data-test-script-state), no
element is stale (Streamlit greys elements out while a run replaces them) and no spinner shows,
every Plotly chart has drawn its SVG, and nothing in the document has changed for QUIET_MS. Its time is the moment of the last change — measured inside
the page, from navigation start or from the click that changed a filter — so the quiet window
that proves it settled is not counted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUIET_MS = 400
EXCEPTION = "[data-testid='stException']"
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

# Installed before any of the page's own scripts: records the last change of the document and
# the last click (the filter change), in the page's own clock (ms since navigation start).
CLOCK_JS = """
(() => {
  const lk = window.__lk = {last: performance.now(), changes: 0, click: null};
  const watch = () => new MutationObserver(() => { lk.last = performance.now(); lk.changes++; })
      .observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                          attributes: true,
                                          attributeFilter: ['data-stale', 'class', 'data-test-script-state']});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
  document.addEventListener('click', () => { lk.click = performance.now(); }, true);
})();
"""
SETTLED_JS = """
(since) => {
  const lk = window.__lk;
  if (!lk || lk.last <= since || !document.querySelector('h1')) return false;
  if (performance.now() - lk.last < QUIET_MS) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSpinner"]')) return false;
  return Array.from(document.querySelectorAll('.js-plotly-plot'))
      .every(p => p.querySelector('.main-svg'));
}
""".replace("QUIET_MS", str(QUIET_MS))


@contextmanager
def running_app(db_path: Path, port: int, timeout: float = 120) -> Iterator[tuple[str, Any]]:
    """`streamlit run dashboard/app.py` on 127.0.0.1 only, on this database, in demo mode (no
    secrets read) and without loading sample data; yields (base URL, process)."""
    env = dict(os.environ, LEKGOTLA_DB=str(db_path), LEKGOTLA_LOAD_SAMPLE_DATA="false")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(Path(tempfile.gettempdir()) / "lekgotla-no-secrets.toml")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("The dashboard did not start:\n"
                                   + log.read().decode(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process now (Linux)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
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
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmarks_pages",
                                                  Path(__file__).resolve().parent / "pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    path, built = module.database(module.SIZES[size])
    if built:
        print(f"built {path.name} in {built:.1f} s")
    return Path(path)
