"""`python -m ingest validate|load|strategy|annotate|template|backup|restore` (SPEC §6)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest import db, settings
from ingest.access import CLI
from ingest.annotate import annotate
from ingest.bulk import load_files
from ingest.dependencies import add_dependency_warnings
from ingest.errors import IngestError, LekgotlaError, ValidationFailed
from ingest.load import options_for
from ingest.locate import Register
from ingest.mapping import Mapping, load_mapping
from ingest.parse import Options, ParsedFile, parse_file
from ingest.values import ParseError, parse_period
from ingest.words import period_words, plural

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Arguments that cannot be used, or a file that cannot be read: exit 2."""


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: cannot be read ({e.strerror}).") from e


def _period(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        period = parse_period(text)
    except ParseError as e:
        raise UsageError(f"--period {text!r}: {e}") from e
    return period.key if period else None


def _mapping(path: str | None) -> Mapping | None:
    if not path:
        return None
    try:
        return load_mapping(path)
    except IngestError as e:
        raise UsageError(e.message) from e


def _read_only_options(db_arg: str | None, **kw: Any) -> Options:
    """Options from the database without writing to it; the register checks are skipped without one."""
    path = settings.database(db_arg)
    if not settings.is_lake(path) and not Path(path).exists():
        return Options(**kw)
    try:
        con = db.connect(path, read_only=True)
    except LekgotlaError as e:
        print(f"note: {e.message} — validating without the register.", file=sys.stderr)
        return Options(**kw)
    try:
        return options_for(con, **kw)
    except Exception as e:  # an unmigrated or foreign file: validate without it
        print(f"note: {path} holds no Lekgotla register ({e}); register checks skipped.", file=sys.stderr)
        return Options(register=Register(), **kw)
    finally:
        con.close()


def _check_dependencies(db_arg: str | None, parsed: ParsedFile) -> None:
    """Add the dependency warnings that need the other departments' plans, when there is a database
    to read them from (without one, validation gives what the file alone can)."""
    path = settings.database(db_arg)
    if parsed.unreadable or not parsed.reports or (not settings.is_lake(path) and not Path(path).exists()):
        return
    try:
        con = db.connect(path, read_only=True)
    except LekgotlaError:
        return
    try:
        add_dependency_warnings(con, parsed)
        parsed.problems.sort(key=lambda p: (p.row or 0, 0 if p.severity == "error" else 1, p.column or ""))
    except duckdb.Error as e:  # an unmigrated or foreign file: validate without it
        print(f"note: the plans in {path} could not be read ({e}); dependency checks skipped.", file=sys.stderr)
    finally:
        con.close()


def _print_problems(parsed: ParsedFile, out: Any = sys.stdout) -> None:
    for p in parsed.problems:
        print("  " + p.describe(), file=out)


def _parse_args_common(args: argparse.Namespace) -> dict[str, Any]:
    return {"department": args.department, "period": _period(args.period), "mapping": _mapping(args.mapping)}


def cmd_validate(args: argparse.Namespace) -> int:
    opts = _read_only_options(args.db, **_parse_args_common(args))
    data = _read(args.file)
    parsed = parse_file(data, Path(args.file).name, opts)
    _check_dependencies(args.db, parsed)
    if parsed.unreadable:
        if args.json:
            print(json.dumps(_json(parsed), ensure_ascii=False, indent=2))
        else:
            print(f"{args.file}: cannot be read. {parsed.errors[0].message}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(_json(parsed), ensure_ascii=False, indent=2, default=str))
    else:
        state = "invalid" if parsed.errors else "valid"
        depts = ", ".join(parsed.departments) or "department unknown"
        period = period_words(parsed.period.key) if parsed.period else "period unknown"
        print(f"{args.file}: {state} — {depts}, {period}, {plural(parsed.rows, 'row')}, "
              f"{plural(len(parsed.errors), 'error')}, {plural(len(parsed.warnings), 'warning')}")
        _print_problems(parsed)
    return EXIT_INVALID if parsed.errors else EXIT_OK


def _json(parsed: ParsedFile) -> dict[str, Any]:
    depts = parsed.departments
    return {
        "department": depts[0] if len(depts) == 1 else (depts or None),
        "period": parsed.period.key if parsed.period else None,
        "rows": parsed.rows,
        "errors": [p.as_dict() for p in parsed.errors],
        "warnings": [p.as_dict() for p in parsed.warnings],
    }


def cmd_load(args: argparse.Namespace) -> int:
    common = _parse_args_common(args)
    files = [(f, _read(f)) for f in args.files]
    submitted = None
    if args.submitted_at:
        try:
            submitted = datetime.fromisoformat(args.submitted_at)
        except ValueError as e:
            raise UsageError(f"--submitted-at {args.submitted_at!r} is not a date: write it as 2025-03-05.") from e
    con = db.connect(args.db) if args.db else db.connect()
    rejected = 0
    results = []
    try:
        named = [(Path(path).name, data) for path, data in files]
        # isolated: every file parsed in a bounded worker, so a file that kills its reader
        # is rejected alone and the others still load
        loaded = load_files(con, named, who=args.who, submitted_at=submitted, isolated=True,
                            skip_invalid_rows=args.skip_invalid_rows, absent_actions=args.absent_actions,
                            **common)
        for (path, _), outcomes in zip(files, loaded, strict=True):
            for o in outcomes:
                results.append(o.as_dict())
                if not args.json:
                    print(f"{path}: {o.message}")
                    shown = o.problems if o.status == "rejected" else [p for p in o.problems if p.severity == "error"]
                    for p in shown:
                        print("  " + p.describe())
                if o.status == "rejected":
                    rejected += 1
    finally:
        con.close()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return EXIT_INVALID if rejected else EXIT_OK


def cmd_strategy(args: argparse.Namespace) -> int:
    from ingest.register import load_register

    data = _read(args.file)
    con = db.connect(args.db) if args.db else db.connect()
    try:
        version = load_register(con, data, Path(args.file).name, who=args.who)
        row = con.execute("SELECT objective_count, department_count FROM register_versions "
                          "WHERE register_version = $v", {"v": version}).fetchall()[0]
        assert row is not None
        print(f"{args.file}: register version {version} in force — {plural(row[0], 'objective')}, "
              f"{plural(row[1], 'department')}.")
        return EXIT_OK
    except ValidationFailed as e:
        print(f"{args.file}: rejected — {e.title}:", file=sys.stderr)
        for p in e.problems:
            print("  " + p.describe(), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()


def cmd_annotate(args: argparse.Namespace) -> int:
    opts = _read_only_options(args.db, **_parse_args_common(args))
    data = _read(args.file)
    parsed = parse_file(data, Path(args.file).name, opts)
    _check_dependencies(args.db, parsed)
    if parsed.unreadable:
        raise UsageError(f"{args.file}: cannot be read. {parsed.errors[0].message}")
    out = annotate(data, Path(args.file).name, parsed.problems)
    Path(args.out).write_bytes(out)
    print(f"{args.out}: {plural(len(parsed.errors), 'error')} and {plural(len(parsed.warnings), 'warning')} marked.")
    return EXIT_INVALID if parsed.problems else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from ingest.locate import department_key
    from ingest.template import build_template

    period = parse_period(args.period)
    assert period is not None
    con = db.connect(args.db) if args.db else db.connect()
    try:
        names = [r[0] for r in con.execute("SELECT department FROM departments ORDER BY 1").fetchall()]
        match = {department_key(n): n for n in names}.get(department_key(args.department))
        if match is None:
            raise UsageError(f"Department {args.department!r} is unknown. Known: {', '.join(names) or 'none'}.")
        Path(args.out).write_bytes(build_template(con, match, period, user=CLI))
    finally:
        con.close()
    print(f"{args.out}: template for {match}, {period.label}.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from ingest.backup import new_name, open_for_backup, write_backup

    database = settings.database(args.db)
    if settings.is_lake(database):  # the shared store: a snapshot and its catalog, while in use
        from ingest import lake
        con = db.connect(database)
        try:
            kept = lake.take_backup(con, CLI, Path(args.path) if args.path else new_name(
                settings.backup_dir(database), datetime.now(), "manual", lake.MANIFEST))
        finally:
            con.close()
        print(f"{kept.path}: backup written (snapshot {kept.snapshot} of the shared store, "
              f"its catalog dumped to {kept.catalog.name}).")
        return EXIT_OK
    con = open_for_backup(Path(database))
    try:
        path = Path(args.path) if args.path else new_name(settings.backup_dir(database), datetime.now())
        made = write_backup(con, path)
    finally:
        con.close()
    print(f"{made.path}: backup written ({made.rows} rows in {len(made.tables)} tables, "
          f"{made.size / 1e6:.1f} MB).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from ingest.backup import restore, restore_into_store

    target = settings.database(args.db)
    if settings.is_lake(target):  # the shared store goes back to the backup's snapshot, in use
        from ingest import lake
        con = db.connect(target)
        try:
            if not args.path.endswith(lake.MANIFEST):  # a DuckDB file, moved into a new store
                moved = restore_into_store(con, args.path, CLI)
                print(f"{args.path}: moved into the shared store ({moved.rows} rows in "
                      f"{len(moved.tables)} tables), as snapshot {moved.snapshot}.")
                return EXIT_OK
            back = lake.restore(con, Path(args.path), CLI)
        finally:
            con.close()
        print(f"{args.path}: the shared store is back at snapshot {back.snapshot} "
              f"({back.rows} rows in {back.tables} tables), as snapshot {back.new_snapshot}.")
        return EXIT_OK
    done = restore(args.path, Path(target))
    print(f"{done.path}: restored from {args.path}.")
    if done.kept is not None:
        print(f"The database it replaced is kept as {done.kept}.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def with_read_flags(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", help="database: a DuckDB file path, or ducklake:postgres:<connection> "
                        "(default: LEKGOTLA_DB or data/lekgotla.duckdb)")
        sp.add_argument("--department", help="the report's department (else from the file)")
        sp.add_argument("--period", help="the reporting period, YYYY-MM (else from the file)")
        sp.add_argument("--mapping", help="TOML column mapping for a non-template workbook")

    v = sub.add_parser("validate", help="check a report and list every problem; never writes")
    v.add_argument("file")
    with_read_flags(v)
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.set_defaults(func=cmd_validate)

    ld = sub.add_parser("load", help="validate and load reports; a rejected file does not stop the others")
    ld.add_argument("files", nargs="+", metavar="FILE")
    with_read_flags(ld)
    ld.add_argument("--skip-invalid-rows", action="store_true", help="leave out rows with errors, load the rest")
    ld.add_argument("--absent-actions", choices=("carried", "left"),
                    help="what an action the report leaves out means: carried (default: it stays in the "
                    "plan with its last reported fields) or left (a portfolio snapshot: it left the plan)")
    ld.add_argument("--who", help="who is loading (recorded with the upload)")
    ld.add_argument("--submitted-at", help="when the report was submitted, YYYY-MM-DD (backfills; "
                    "else its 'Date submitted' cell, else now)")
    ld.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    ld.set_defaults(func=cmd_load)

    s = sub.add_parser("strategy", help="load the strategy register (replaces the one in force)")
    s.add_argument("file")
    s.add_argument("--db")
    s.add_argument("--who")
    s.set_defaults(func=cmd_strategy)

    a = sub.add_parser("annotate", help="write the report with bad cells highlighted and explained")
    a.add_argument("file")
    a.add_argument("--out", required=True)
    with_read_flags(a)
    a.set_defaults(func=cmd_annotate)

    t = sub.add_parser("template", help="write a department's report workbook for a period")
    t.add_argument("--department", required=True)
    t.add_argument("--period", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--db")
    t.set_defaults(func=cmd_template)

    b = sub.add_parser("backup", help="write a consistent copy of the database (dashboard stopped; "
                       "while it runs, back up on its Settings page)")
    b.add_argument("path", nargs="?", help="the new backup file (default: a new name in the backup folder)")
    b.add_argument("--db")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="put a backup back as the database (dashboard stopped; the "
                       "replaced file is kept); on the shared store, a store backup (*.lake.json) "
                       "goes back to its snapshot and a DuckDB file moves into an empty store")
    r.add_argument("path")
    r.add_argument("--db")
    r.set_defaults(func=cmd_restore)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) and EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (LekgotlaError, ParseError) as e:
        message = e.message if isinstance(e, LekgotlaError) else str(e)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
