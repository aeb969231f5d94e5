"""`python -m metrics kpis | actions | export | pack` (SPEC §6, §7). Exit 0 ok, 1 database unusable,
2 bad arguments (unknown department or period: stderr says what exists)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import settings
from ingest.db import Connection, connect
from ingest.errors import LekgotlaError, QueryError
from ingest.words import plural
from metrics.actions import action_figures
from metrics.catalogue import checked_filters
from metrics.export import FORMATS, export_actions
from metrics.filters import Filters
from metrics.kpis import COUNT_KPIS, KPI_NAMES, RATE_KPIS, kpis, plain

CLI_KPI_KEYS: tuple[str, ...] = ("scope", "period", "actions", *KPI_NAMES)
TABLE_COLUMNS: tuple[str, ...] = ("department", "action_id", "status", "percent_complete",
                                  "due_date", "slip_days", "smart_score", "rag")


class _UsageError(Exception):
    """Bad arguments, already explained on stderr."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="database file (default: LEKGOTLA_DB or data/lekgotla.duckdb)")
        p.add_argument("--period", required=True, help="YYYY-MM, or a quarter YYYY-Qn")

    kpi = commands.add_parser("kpis", help="the KPIs of SPEC §5 for one scope and period")
    common(kpi)
    kpi.add_argument("--department", help="one department (default: the whole organisation)")
    kpi.add_argument("--json", action="store_true", help="print JSON")
    act = commands.add_parser("actions", help="each action with its per-action figures")
    common(act)
    act.add_argument("--department", help="one department (default: every department)")
    act.add_argument("--json", action="store_true", help="print JSON")
    exp = commands.add_parser("export", help="the Explore & export table as CSV or XLSX")
    common(exp)
    exp.add_argument("--department", action="append", default=[], help="repeatable")
    exp.add_argument("--objective", action="append", default=[], help="repeatable")
    exp.add_argument("--status", action="append", default=[], help="repeatable")
    exp.add_argument("--format", required=True, choices=FORMATS)
    exp.add_argument("--out", required=True, help="file to write")
    pck = commands.add_parser("pack", help="the review pack: XLSX, HTML report and PDF (SPEC §7)")
    common(pck)
    pck.add_argument("--department", action="append", default=[], help="repeatable")
    pck.add_argument("--objective", action="append", default=[], help="repeatable")
    pck.add_argument("--out", required=True, help="folder to write the files into")
    pck.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    pck.add_argument("--chromium", help="Chromium to print the PDF with (default: found on PATH)")
    return parser


def _open(db: str | None) -> Connection:
    path = Path(db) if db else settings.db_path()
    if db != ":memory:" and not path.exists():
        print(f"There is no database at {path}. Load reports first: python -m ingest load FILE...",
              file=sys.stderr)
        raise _UsageError
    return connect(db if db == ":memory:" else path)


def jsonable(value: Any) -> Any:
    """A cell as JSON: dates and timestamps as ISO strings, NaN/NA as null."""
    value = plain(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _action_objects(table: pd.DataFrame) -> list[dict[str, Any]]:
    objects = []
    for record in table.to_dict("records"):
        item = {str(k): jsonable(v) for k, v in record.items()}
        failed = item.get("failed_checks") or ""
        item["failed_checks"] = [c for c in str(failed).split(", ") if c]
        objects.append(item)
    return objects


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name in RATE_KPIS:
        return f"{100 * value:.1f}%"
    if name == "mean_progress":
        return f"{value:.1f}%"
    if name == "mean_slip_days":
        return f"{value:.1f} days"
    if name in COUNT_KPIS or name == "actions":
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _kpis(con: Connection, args: argparse.Namespace) -> None:
    departments = (args.department,) if args.department else ()
    filters = checked_filters(con, Filters(args.period, departments))
    result = kpis(con, filters)
    shown = {k: result[k] for k in CLI_KPI_KEYS}
    if args.json:
        print(json.dumps({k: jsonable(v) for k, v in shown.items()}, indent=2))
        return
    width = max(len(k) for k in shown)
    for name, value in shown.items():
        print(f"{name:<{width}}  {_shown(name, value)}")


def _actions(con: Connection, args: argparse.Namespace) -> None:
    departments = (args.department,) if args.department else ()
    filters = checked_filters(con, Filters(args.period, departments))
    table = action_figures(con, filters)
    if args.json:
        print(json.dumps(_action_objects(table), indent=2, ensure_ascii=False))
        return
    if table.empty:
        print("No actions.")
        return
    shown = table[list(TABLE_COLUMNS)].map(lambda v: "—" if jsonable(v) is None else jsonable(v))
    print(shown.to_string(index=False))


def _export(con: Connection, args: argparse.Namespace) -> None:
    filters = checked_filters(con, Filters(args.period, tuple(args.department),
                                           tuple(args.objective), tuple(args.status)))
    count = export_actions(con, filters, args.format, args.out)
    print(f"Wrote {plural(count, 'action')} to {args.out}", file=sys.stderr)


def _pack(con: Connection, args: argparse.Namespace) -> None:
    from metrics.pack import write_pack

    filters = checked_filters(con, Filters(args.period, tuple(args.department),
                                           tuple(args.objective)))
    files = write_pack(con, filters, args.out, pdf=not args.no_pdf, chromium=args.chromium)
    for path in (files.xlsx, files.html, files.pdf):
        if path is not None:
            print(path)
    if files.pdf_message and not args.no_pdf:
        print(f"No PDF: {files.pdf_message}", file=sys.stderr)
    print(f"Review pack {files.pack_id} written in {files.seconds:.1f} s", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage; 2 for bad arguments, 0 for --help
        return e.code if isinstance(e.code, int) else 2
    try:
        con = _open(args.db)
    except _UsageError:
        return 2
    except LekgotlaError as e:
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 1
    try:
        {"kpis": _kpis, "actions": _actions, "export": _export,
         "pack": _pack}[args.command](con, args)
    except QueryError as e:
        print(e.message, file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0
