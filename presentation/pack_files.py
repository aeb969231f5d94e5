"""The review pack's files (SPEC §7): `write_pack` builds the pack (metrics.pack) and writes its
XLSX, HTML report and, where a Chromium is found, PDF."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ingest.db import Connection
from metrics.filters import Filters
from metrics.pack import build_pack
from presentation.pack_html import pack_html
from presentation.pack_pdf import PdfUnavailable, html_to_pdf
from presentation.pack_xlsx import pack_xlsx


@dataclass(frozen=True)
class PackFiles:
    """What `write_pack` wrote: paths, the PDF's absence explained, and how long it took."""

    xlsx: Path
    html: Path
    pdf: Path | None
    pdf_message: str | None
    pack_id: str
    seconds: float


def write_pack(con: Connection, filters: Filters, out_dir: str | Path, pdf: bool = True,
               chromium: str | None = None) -> PackFiles:
    """Write `<stem>.xlsx`, `<stem>.html` and (when `pdf` and a Chromium is found) `<stem>.pdf`
    into `out_dir`; where no PDF can be made, `pdf_message` says why and the others are written."""
    start = time.monotonic()
    pack = build_pack(con, filters)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    xlsx_path, html_path = out / f"{pack.stem}.xlsx", out / f"{pack.stem}.html"
    xlsx_path.write_bytes(pack_xlsx(pack))
    html = pack_html(pack)
    html_path.write_text(html, encoding="utf-8")
    pdf_path: Path | None = None
    message: str | None = None
    if pdf:
        try:
            data = html_to_pdf(html, chromium=chromium, footer=f"Lekgotla review pack · "
                               f"{pack.filters.period} · stamp {pack.pack_id}")
            pdf_path = out / f"{pack.stem}.pdf"
            pdf_path.write_bytes(data)
        except PdfUnavailable as e:
            message = e.message
    else:
        message = "PDF not asked for."
    return PackFiles(xlsx_path, html_path, pdf_path, message, pack.pack_id,
                     time.monotonic() - start)
