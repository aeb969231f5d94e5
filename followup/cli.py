"""`python -m metrics notify [--at DATETIME] [--dry-run DIR]`: send the notifications due at that
moment (followup.delivery), added to presentation.cli's parser of kpis, actions, export and pack.
`main` runs all five; `python -m metrics` and the `lekgotla` console script call it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from followup.delivery import (
    MAX_ATTEMPTS,
    given_up_words,
    notify,
    refused_words,
    try_again,
    untried_words,
)
from ingest import settings
from ingest.access import CLI
from ingest.db import Connection
from ingest.errors import QueryError
from ingest.words import plural
from metrics import cli as metrics_cli
from presentation import cli as presentation_cli


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time: write 2025-07-05 or 2025-07-05T08:00") from e
    if moment.year < 1900:  # the months before it would fall before the calendar's year 1
        raise argparse.ArgumentTypeError(f"{text!r} is too early: give a moment from 1900 on")
    return moment


def _notify_command(commands: Any) -> None:
    p = commands.add_parser("notify", help="send the notifications due now (or --at): reminders, "
                            "overdue notices, rejections, the digest and the review pack")
    p.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
    p.add_argument("--at", type=_moment, default=None,
                   help="the moment to send for, e.g. 2025-07-05T08:00 (default: now); a report "
                        "counts as missing when none of its versions had been submitted by then")
    p.add_argument("--dry-run", metavar="DIR",
                   help="write one .eml file per message into DIR instead; nothing is recorded")
    p.add_argument("--no-pdf", action="store_true", help="attach no PDF to the review pack")
    p.add_argument("--try-again", action="store_true",
                   help=f"first give the messages given up on ({MAX_ATTEMPTS} failed attempts) a "
                        "fresh start, so this run sends each one still due (fix the mail "
                        "settings first)")


def build_parser() -> argparse.ArgumentParser:
    """`python -m metrics`'s parser: kpis, actions, export, pack, notify."""
    return presentation_cli.build_parser(_notify_command)


def _notify(con: Connection, args: argparse.Namespace) -> None:
    now = datetime.now()
    if args.at is not None and args.at > now:  # it would send and record what is not due yet
        raise QueryError(f"--at {args.at:%Y-%m-%d %H:%M} is later than now: give a moment that "
                         "has come (or leave --at out to send what is due now).")
    at = args.at or now
    settings.check_all()  # a bad setting is one message now, not a failure of every message
    if args.try_again and not args.dry_run:  # a dry run records nothing
        again = try_again(con, CLI)
        print(f"{plural(len(again), 'message')} given up on before, tried again now if still due",
              file=sys.stderr)
    run = notify(con, at, dry_run=Path(args.dry_run) if args.dry_run else None,
                 pdf=not args.no_pdf)
    for item in run.sent:
        print(f"{'written' if args.dry_run else 'sent'}\t{item.kind}\t{item.period}\t"
              f"{item.recipient.email}")
    for item, error in run.failed:
        print(f"failed\t{item.kind}\t{item.period}\t{item.recipient.email}\t{error}")
    for item, refused in run.refused:  # sent to the others, so not sent again
        print(f"refused\t{item.kind}\t{item.period}\t{item.recipient.email}\t{refused}")
    for item in run.given_up:
        print(f"given up\t{item.kind}\t{item.period}\t{item.recipient.email}")
    for row in run.lapsed:  # failed earlier; the report came in, or its day passed, since
        print(f"{'would lapse' if args.dry_run else 'lapsed'}\t{row['kind']}\t{row['period']}\t"
              f"{row['recipient']}\tno longer due: not tried again")
    for untold in run.untold:
        print(f"warning: {untold.words()}", file=sys.stderr)
    verb = f"written to {args.dry_run}" if args.dry_run else "sent"
    print(f"{plural(len(run.sent), 'message')} {verb}, {len(run.failed)} failed, "
          f"{len(run.skipped)} sent before (at {at:%Y-%m-%d %H:%M})", file=sys.stderr)
    if run.given_up:
        print(f"warning: {given_up_words(len(run.given_up))}", file=sys.stderr)
    if run.refused:
        print(f"warning: {refused_words(len(run.refused))}", file=sys.stderr)
    if run.untried:
        print(f"warning: {untried_words(len(run.untried))}", file=sys.stderr)
    # given up on earlier: the runs that failed them exited 1; every run after would too, forever
    if run.failed or run.refused:
        raise SystemExit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `python -m metrics`'s command line; returns the exit code."""
    return metrics_cli.run(argv, build_parser(), {**presentation_cli.COMMANDS, "notify": _notify})
