"""A PDF of the review report, printed by headless Chromium where the machine has one.

Playwright (when installed) drives the Chromium and waits until every chart is drawn before
printing; without Playwright, Chromium's own `--print-to-pdf` is used. Without a Chromium,
`PdfUnavailable` says so and what to install — the XLSX and HTML never depend on it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ingest.errors import LekgotlaError

CANDIDATES: tuple[str, ...] = ("/usr/bin/chromium", "chromium", "chromium-browser",
                               "google-chrome", "google-chrome-stable")
ARGS: list[str] = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run"]
# A4 landscape less the 11 mm margins, in CSS pixels: the width the charts are drawn at.
PRINT_WIDTH_PX = 1040
CHARTS_DRAWN = ("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                ".every(p => p.querySelector('.main-svg'))")


class PdfUnavailable(LekgotlaError):
    """No PDF could be made on this machine (no Chromium, or it failed); nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "No PDF on this machine: use the HTML report")


def find_chromium(explicit: str | None = None) -> str | None:
    """The Chromium to print with: `explicit` (only it, when given), else LEKGOTLA_CHROMIUM,
    else a usual name on this machine; None when there is none."""
    asked = explicit or os.environ.get("LEKGOTLA_CHROMIUM")
    for name in (asked,) if asked else CANDIDATES:
        if not name:
            continue
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found and os.access(found, os.X_OK):
            return found
    return None


def _fixed_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates zeroed (same length, so the byte offsets
    of its cross-reference table stay right): the same report gives the same PDF."""
    def zero(m: re.Match[bytes]) -> bytes:
        return m.group(1) + re.sub(rb"\d", b"0", m.group(2)) + b")"

    return re.sub(rb"(/(?:CreationDate|ModDate) ?\(D:)([^)]*)\)", zero, pdf)


def _failed(chromium: str, e: BaseException) -> PdfUnavailable:
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return PdfUnavailable(f"Chromium ({chromium}) could not print the report: {first}. "
                          "The HTML report prints from any browser.")


def _with_playwright(path: Path, chromium: str, footer: str, timeout_s: float) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    # Playwright's sync API refuses to run in a thread with an asyncio loop (or beside another
    # sync Playwright), so it gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lekgotla-pdf") as pool:
        try:
            return pool.submit(_print, sync_playwright, path, chromium, footer, timeout_s).result()
        except Error as e:  # the browser would not start, or the page did not draw in time
            raise _failed(chromium, e) from e


def _print(sync_playwright: Any, path: Path, chromium: str, footer: str, timeout_s: float
           ) -> bytes:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 900})
            page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.wait_for_function(CHARTS_DRAWN, timeout=timeout_s * 1000)
            page.emulate_media(media="print")
            data: bytes = page.pdf(
                prefer_css_page_size=True, print_background=True, display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;padding:0 11mm;color:#5D6D7E;'
                    'display:flex;justify-content:space-between"><span>'
                    f"{footer.replace('<', '&lt;')}</span><span>page "
                    '<span class="pageNumber"></span> of <span class="totalPages"></span>'
                    "</span></div>"))
        finally:
            browser.close()
    return data


def _with_cli(path: Path, chromium: str, timeout_s: float) -> bytes:
    out = path.with_suffix(".pdf")
    cmd = [chromium, "--headless", *ARGS, "--no-pdf-header-footer",
           "--virtual-time-budget=15000", f"--print-to-pdf={out}", path.as_uri()]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout_s)
        return out.read_bytes()
    except (OSError, subprocess.SubprocessError) as e:
        raise _failed(chromium, e) from e


def html_to_pdf(html: str, chromium: str | None = None, footer: str = "",
                timeout_s: float = 90) -> bytes:
    """The report printed to PDF (A4 landscape, page numbers and `footer` at the foot of each
    page). Raises PdfUnavailable, with what to do, when this machine cannot make one."""
    found = find_chromium(chromium)
    asked = chromium or os.environ.get("LEKGOTLA_CHROMIUM")
    if found is None and asked:
        what = ("is not a program this user may run" if Path(asked).is_file() else
                "is not there")
        raise PdfUnavailable(f"The Chromium named, {asked}, {what}. Name another, or leave it "
                             "out to use the one installed (Debian: /usr/bin/chromium).")
    if found is None:
        raise PdfUnavailable(
            "No Chromium was found (looked for " + ", ".join(CANDIDATES) + "; LEKGOTLA_CHROMIUM "
            "or --chromium name another). Install one (Debian: apt-get install "
            "chromium) to get the PDF, or print the HTML report from a browser.")
    with tempfile.TemporaryDirectory(prefix="lekgotla-pack-") as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            data = _with_cli(path, found, timeout_s)
        else:
            data = _with_playwright(path, found, footer, timeout_s)
    if not data.startswith(b"%PDF"):
        raise PdfUnavailable(f"Chromium ({found}) did not produce a PDF.")
    return _fixed_dates(data)
