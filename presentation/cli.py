"""`python -m metrics export | pack`: the commands that write files (a CSV or XLSX export, the review
pack), added to metrics.cli's parser of kpis and actions. `main` runs all four; followup.cli adds
notify, and `python -m metrics` and the `lekgotla` console script run that one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest.cli import UsageError, existing_folder, out_file
from ingest.db import Connection
from ingest.errors import QueryError
from ingest.words import period_words, plural
from metrics import cli as metrics_cli
from metrics.catalogue import checked_filters
from metrics.filters import Filters
from metrics.views import period_reporting
from presentation.export import FORMATS, export_actions
from presentation.pack_files import write_pack


def _file_commands(commands: Any) -> None:
    exp = commands.add_parser("export", help="the rows of the Explore & export table as CSV or "
                              "XLSX, with the field names scripts read (snake_case)")
    metrics_cli.common(exp)
    exp.add_argument("--department", action="append", default=[], help="repeatable")
    exp.add_argument("--objective", action="append", default=[], help="repeatable")
    exp.add_argument("--status", action="append", default=[], help="repeatable")
    exp.add_argument("--format", required=True, choices=FORMATS)
    exp.add_argument("--out", required=True, help="file to write")
    pck = commands.add_parser("pack", help="the review pack: XLSX, HTML report and PDF")
    metrics_cli.common(pck)
    pck.add_argument("--department", action="append", default=[], help="repeatable")
    pck.add_argument("--objective", action="append", default=[], help="repeatable")
    pck.add_argument("--out", required=True, help="folder to write the files into (it must exist)")
    pck.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    pck.add_argument("--chromium", help="Chromium to print the PDF with (default: found on PATH)")


def build_parser(more: Callable[[Any], None] | None = None) -> argparse.ArgumentParser:
    """The parser of kpis, actions, export and pack; `more(subparsers)` adds further commands
    (followup.cli adds notify)."""
    def commands(subparsers: Any) -> None:
        _file_commands(subparsers)
        if more is not None:
            more(subparsers)
    return metrics_cli.build_parser(commands)


WRITTEN = {"csv": "a CSV file", "xlsx": "an XLSX workbook"}  # export's formats, in words


def _export(con: Connection, args: argparse.Namespace) -> None:
    try:
        out_file(args.out, (f".{args.format}",), what=WRITTEN[args.format])
    except UsageError as e:  # exit 2 here too, with ingest's words
        raise QueryError(str(e)) from e
    filters = checked_filters(con, Filters(args.period, tuple(args.department),
                                           tuple(args.objective), tuple(args.status)))
    count = export_actions(con, filters, args.format, args.out)
    print(f"Wrote {plural(count, 'action')} to {args.out}", file=sys.stderr)
    if filters.departments:  # a department asked for that has not reported the month adds no rows
        who = period_reporting(con, filters)
        if who["missing"]:
            print(f"No report for {period_words(who['month'])}: {', '.join(who['missing'])}.",
                  file=sys.stderr)


def _pack(con: Connection, args: argparse.Namespace) -> None:
    if args.no_pdf and args.chromium:
        raise QueryError("--no-pdf and --chromium ask for opposite things: leave one out.")
    try:
        existing_folder(Path(args.out), f"--out {args.out}")
    except UsageError as e:  # exit 2 here too, with ingest's words
        raise QueryError(str(e)) from e
    filters = checked_filters(con, Filters(args.period, tuple(args.department),
                                           tuple(args.objective)))
    files = write_pack(con, filters, args.out, pdf=not args.no_pdf, chromium=args.chromium)
    for path in (files.xlsx, files.html, files.pdf):
        if path is not None:
            print(path)
    if files.pdf_message and not args.no_pdf:
        print(f"No PDF: {files.pdf_message}", file=sys.stderr)
    print(f"Review pack {files.pack_id} written in {files.seconds:.1f} s", file=sys.stderr)
    if files.pdf is None and args.chromium:  # a PDF asked for by name and not made: a failure
        raise metrics_cli.CommandFailed


COMMANDS: dict[str, metrics_cli.Command] = {**metrics_cli.COMMANDS, "export": _export, "pack": _pack}


def main(argv: Sequence[str] | None = None) -> int:
    """Run kpis, actions, export and pack (`python -m metrics` runs followup.cli.main, which
    adds notify); returns the exit code."""
    return metrics_cli.run(argv, build_parser(), COMMANDS)
