"""`python -m metrics kpis | actions | digest | initiatives | export | pack | notify`: the KPIs
(docs/kpis.md), the digest (docs/digest.md), exports and the review pack. Exit 0 ok, 1 database
unusable, 2 bad arguments (unknown department or period: stderr says what exists)."""

# kpis and actions print numbers and live here; export and pack write files, so they are
# presentation.cli's, which adds them to this parser (python -m metrics runs that one).

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import settings
from ingest.cells import clean_text
from ingest.db import Connection, check_settings, connect
from ingest.errors import LekgotlaError, QueryError, SettingsError
from ingest.terminal import stdout_closed
from ingest.values import ParseError, parse_period
from metrics.actions import action_figures
from metrics.catalogue import checked_filters
from metrics.dependencies import initiatives
from metrics.digest import digest
from metrics.filters import Filters
from metrics.kpi_catalogue import KPI_BY_NAME
from metrics.kpis import KPI_NAMES, jsonable, kpis

# month: the month the figures are of (a quarter's last with data, for a department its own)
CLI_KPI_KEYS: tuple[str, ...] = ("scope", "period", "month", "actions", *KPI_NAMES)
TABLE_COLUMNS: tuple[str, ...] = ("department", "action_id", "status", "percent_complete",
                                  "due_date", "slip_days", "smart_score", "rag")


def _say(text: str) -> None:
    """Print report text for a terminal: text stored before it was cleaned where it is read
    (ingest.cells) may still hold escape codes."""
    print(clean_text(text))


class _UsageError(Exception):
    """Bad arguments, already explained on stderr."""


class CommandFailed(Exception):
    """A command that could not do what was asked, having said why on stderr: exit 1."""


Command = Callable[[Connection, argparse.Namespace], None]


def common(p: argparse.ArgumentParser) -> None:
    """The arguments every command takes: --db and --period."""
    p.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
    p.add_argument("--period", required=True, type=period_argument,
                   help="YYYY-MM, or a quarter YYYY-Qn (also as the dashboard writes them: "
                        "'June 2025', 'Q2 2025')")


def period_argument(text: str) -> str:
    """--period as given: a key (2025-06, 2025-Q2; checked by the command, which lists the
    periods with data), or the words the dashboard shows (June 2025, Jun 2025, 06/2025, Q2
    2025), read as that key."""
    quarter = re.fullmatch(r"\s*[Qq]([1-4])\s+(\d{4})\s*", text)
    if quarter:
        return f"{quarter.group(2)}-Q{quarter.group(1)}"
    try:
        month = parse_period(text)
    except ParseError:
        return text
    return month.key if month is not None else text


def build_parser(more: Callable[[Any], None] | None = None) -> argparse.ArgumentParser:
    """The parser of kpis and actions; `more(subparsers)` adds further commands after them."""
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    kpi = commands.add_parser("kpis", help="the KPIs (docs/kpis.md) for one scope and period")
    common(kpi)
    kpi.add_argument("--department", help="one department (default: the whole organisation)")
    kpi.add_argument("--json", action="store_true", help="print JSON")
    act = commands.add_parser("actions", help="each action with its per-action figures")
    common(act)
    act.add_argument("--department", help="one department (default: every department)")
    act.add_argument("--json", action="store_true", help="print JSON")
    dig = commands.add_parser("digest", help="what changed since the previous period, in "
                              "sentences (one a line; --json: with figures and sources)")
    common(dig)
    dig.add_argument("--department", help="one department (default: the whole organisation)")
    dig.add_argument("--json", action="store_true", help="print JSON: a list of sentences")
    ini = commands.add_parser("initiatives", help="each cross-department initiative with its figures")
    common(ini)
    ini.add_argument("--department", help="the initiatives one department leads, takes part in or has "
                     "an action in (default: every initiative)")
    ini.add_argument("--json", action="store_true", help="print JSON")
    if more is not None:
        more(commands)
    return parser


def _open(db: str | None) -> Connection:
    path = Path(settings.database(db))
    if db != ":memory:" and not settings.is_lake(settings.database(db)) and not path.exists():
        print(f"There is no database at {path}. Load reports first: python -m ingest load FILE...",
              file=sys.stderr)
        raise _UsageError
    con = connect(settings.database(db))
    try:
        return check_settings(con)
    except SettingsError:
        con.close()
        raise


def _action_objects(table: pd.DataFrame) -> list[dict[str, Any]]:
    objects = []
    for record in table.to_dict("records"):
        item = {str(k): jsonable(v) for k, v in record.items()}
        failed = item.get("failed_checks") or ""
        item["failed_checks"] = [c for c in str(failed).split(", ") if c]
        for key in ("depends_on", "waiting_on"):  # '; '-joined references, as lists
            item[key] = [r for r in str(item.get(key) or "").split("; ") if r]
        objects.append(item)
    return objects


# a KPI's text line by its format in the catalogue (a count, the scope's name: as they are)
TEXT: dict[str, Callable[[Any], str]] = {
    "rate": lambda v: f"{100 * v:.1f}%", "percent": lambda v: f"{v:.1f}%",
    "days": lambda v: f"{v:.1f} days", "ratio": lambda v: f"{v:.2f}"}


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "—"
    kpi = KPI_BY_NAME.get(name)
    return TEXT.get(kpi.format if kpi else "", str)(value)


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
        _say(f"{name:<{width}}  {_shown(name, value)}")


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
    _say(shown.to_string(index=False))


def _digest(con: Connection, args: argparse.Namespace) -> None:
    sentences = digest(con, args.period, args.department)
    if args.json:
        print(json.dumps([s.as_json() for s in sentences], indent=2, ensure_ascii=False))
        return
    for sentence in sentences:
        _say(sentence.text)
    if not sentences:
        print("Nothing changed since the previous period.", file=sys.stderr)




INITIATIVE_TABLE: tuple[str, ...] = ("initiative_id", "name", "actions", "completion_rate", "overdue_rate",
                                     "forecast_finish", "target_date", "forecast_vs_target_days", "rag")


def _initiatives(con: Connection, args: argparse.Namespace) -> None:
    departments = (args.department,) if args.department else ()
    filters = checked_filters(con, Filters(args.period, departments))
    table = initiatives(con, filters)
    if args.json:
        rows = [{str(k): jsonable(v) for k, v in r.items()} for r in table.to_dict("records")]
        for row in rows:  # '; '-joined department names, as lists
            for key in ("member_departments", "departments_with_actions"):
                row[key] = [d for d in str(row.get(key) or "").split("; ") if d]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if table.empty:
        print("No initiatives.")
        return
    shown = table[list(INITIATIVE_TABLE)].copy()
    for column in ("completion_rate", "overdue_rate"):
        shown[column] = [None if jsonable(v) is None else TEXT["rate"](v) for v in shown[column]]
    _say(shown.map(lambda v: "—" if jsonable(v) is None else jsonable(v)).to_string(index=False))


COMMANDS: dict[str, Command] = {"kpis": _kpis, "actions": _actions, "digest": _digest,
                                "initiatives": _initiatives}


def run(argv: Sequence[str] | None, parser: argparse.ArgumentParser,
        commands: dict[str, Command]) -> int:
    """Parse `argv` with `parser`, open the database and run the command; returns the exit code."""
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage; 2 for bad arguments, 0 for --help
        return e.code if isinstance(e.code, int) else 2
    try:
        settings.check_all()  # a bad setting stops every command, as it stops the dashboard
    except SettingsError as e:
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 2
    settings.warn_unknown()  # a misspelt one is ignored: said, not stopped at
    try:
        con = _open(args.db)
    except _UsageError:
        return 2
    except SettingsError as e:  # an environment value against one saved in the database
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 2
    except LekgotlaError as e:
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 1
    try:
        commands[args.command](con, args)
        sys.stdout.flush()  # here, so that a reader gone early is met below, not at exit
    except QueryError as e:
        print(e.message, file=sys.stderr)
        return 2
    except LekgotlaError as e:  # a setting the command reads that cannot be used, ...
        print(f"{e.title}: {e.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped early (| head): no message
        return stdout_closed()
    except OSError as e:  # a file or folder the command could not write
        print(f"{e.filename or 'A file'}: {e.strerror or e}.", file=sys.stderr)
        return 2
    except CommandFailed:
        return 1
    finally:
        con.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """kpis and actions (`python -m metrics` runs presentation.cli.main, which has all four)."""
    return run(argv, build_parser(), COMMANDS)
