"""`python -m ingest validate|load|strategy|annotate|template|backup|restore`: reports in (the
format: docs/report-format.md), backups (docs/backups.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest import db, settings
from ingest.access import CLI, cli_user
from ingest.annotate import annotate
from ingest.bulk import load_files
from ingest.errors import IngestError, LekgotlaError, ValidationFailed
from ingest.load import add_plan_checks, options_for, reading_settings
from ingest.locate import Register
from ingest.mapping import Mapping, load_mapping
from ingest.parse import Options, ParsedFile, parse_file
from ingest.terminal import stdout_closed
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


def existing_folder(folder: Path, said: str) -> None:
    """UsageError unless `folder` exists: nothing is written into a folder that does not (a typo
    in a path would otherwise make a new one). `said` is the argument as the user gave it."""
    if folder.is_dir():
        return
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UsageError(f"{said}: {blocker} is a file, not a folder.")
    raise UsageError(f"{said}: the folder {folder} does not exist. Make it first, or name a folder "
                     "that exists.")


def out_file(arg: str, suffixes: tuple[str, ...] | None = (".xlsx",), source: str | None = None,
             what: str = "a workbook", flag: str = "--out") -> Path:
    """`--out` checked before any work: a file name with the suffix of what is written (any, for
    `suffixes` None), in a folder that exists, and never the file read (annotate writes a new
    workbook beside it). Used by every command that writes one file (`metrics export` and
    `backup` too; `flag` "" for a file named without one)."""
    out = Path(arg)
    said = f"{flag} {arg}" if flag else arg
    if out.is_dir():
        example = out / ("report" + (suffixes or (".duckdb",))[0])
        raise UsageError(f"{said} is a folder: give a file name, such as {example}.")
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise UsageError(f"{said}: the file written is {what}; give it a name ending in "
                         f"{' or '.join(suffixes)}.")
    existing_folder(out.parent, said)
    if source is not None and out.exists() and out.resolve() == Path(source).resolve():
        raise UsageError(f"--out {arg} is the report itself: the marked copy is a new file, and the "
                         "report is never overwritten. Choose another name.")
    return out


def _period(text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip():
        raise UsageError("--period is empty: give a month such as 2025-02, or leave it out to "
                         "take the period from the file.")
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
        print(f"note: there is no database at {path} — validating without the register "
              "(objective IDs and department names are not checked).", file=sys.stderr)
        return Options(**reading_settings(), **kw)  # the date order and limits still apply
    try:
        con = db.connect(path, read_only=True)
    except LekgotlaError as e:
        print(f"note: {e.message} — validating without the register.", file=sys.stderr)
        return Options(**reading_settings(), **kw)
    try:
        return options_for(con, **kw)
    except Exception as e:  # an unmigrated or foreign file: validate without it
        print(f"note: {path} holds no Lekgotla register ({e}); register checks skipped.", file=sys.stderr)
        return Options(register=Register(), **reading_settings(), **kw)
    finally:
        con.close()


def _check_against_plans(db_arg: str | None, parsed: ParsedFile, absence: str) -> None:
    """Add the warnings that need the plans in force, when there is a database to read them from
    (without one, validation gives what the file alone can): the dependencies on other
    departments' actions, and the open actions of the department's plan the report leaves out
    (as `load` and the Upload page give them)."""
    path = settings.database(db_arg)
    if parsed.unreadable or not parsed.reports or (not settings.is_lake(path) and not Path(path).exists()):
        return
    try:
        con = db.connect(path, read_only=True)
    except LekgotlaError:
        return
    try:
        add_plan_checks(con, parsed, absence)
        parsed.problems.sort(key=lambda p: (p.row or 0, 0 if p.severity == "error" else 1, p.column or ""))
    except duckdb.Error as e:  # an unmigrated or foreign file: validate without it
        print(f"note: the plans in {path} could not be read ({e}); checks against them skipped.", file=sys.stderr)
    finally:
        con.close()


def _print_problems(parsed: ParsedFile) -> None:
    for p in parsed.problems:
        print("  " + p.describe())


def _parse_args_common(args: argparse.Namespace) -> dict[str, Any]:
    return {"department": args.department, "period": _period(args.period), "mapping": _mapping(args.mapping)}


def cmd_validate(args: argparse.Namespace) -> int:
    opts = _read_only_options(args.db, **_parse_args_common(args))
    data = _read(args.file)
    parsed = parse_file(data, Path(args.file).name, opts)
    _check_against_plans(args.db, parsed, opts.absence)
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
        # a file read no further than its header still is for what --department and --period say
        depts = ", ".join(parsed.detected_departments) or opts.department or "department unknown"
        key = parsed.period.key if parsed.period else opts.period
        period = period_words(key) if key else "period unknown"
        print(f"{args.file}: {state} — {depts}, {period}, {plural(parsed.rows, 'row')}, "
              f"{plural(len(parsed.errors), 'error')}, {plural(len(parsed.warnings), 'warning')}")
        _print_problems(parsed)
    return EXIT_INVALID if parsed.errors else EXIT_OK


def _json(parsed: ParsedFile) -> dict[str, Any]:
    # as the text says: a file refused before its rows were read (too many) is still the one
    # its Department cell or name gives
    depts = parsed.detected_departments
    return {
        "department": depts[0] if len(depts) == 1 else (depts or None),
        "period": parsed.period.key if parsed.period else None,
        "rows": parsed.rows,
        "errors": [p.as_dict() for p in parsed.errors],
        "warnings": [p.as_dict() for p in parsed.warnings],
    }


def cmd_load(args: argparse.Namespace) -> int:
    common = _parse_args_common(args)
    submitted = None
    if args.submitted_at:
        try:
            submitted = datetime.fromisoformat(args.submitted_at)
        except ValueError as e:
            raise UsageError(f"--submitted-at {args.submitted_at!r} is not a date: write it as 2025-03-05.") from e
    files, unreadable = [], []
    for f in args.files:  # one file that cannot be read does not stop the others
        try:
            files.append((f, _read(f)))
        except UsageError as e:
            unreadable.append({"file": f, "status": "unreadable", "message": f"{e} Not loaded."})
    for u in unreadable:
        if not args.json:
            print(u["message"], file=sys.stderr)
    if not files:
        if args.json:
            print(json.dumps(unreadable, ensure_ascii=False, indent=2))
        return EXIT_USAGE
    database = settings.database(args.db)
    if not settings.is_lake(database) and not Path(database).exists():
        print(f"note: there was no database at {database}: a new one is made (--db names another).",
              file=sys.stderr)
    con = _checked(database)
    started = datetime.now()
    rejected = backfilled_now = 0
    # a path that cannot be read (missing, a folder) is an unusable argument: exit 2; a file read
    # that is no workbook is a rejected upload, recorded as one (SPEC §6: exit 1)
    unusable = bool(unreadable)
    results: list[dict[str, Any]] = [*unreadable]
    try:
        named = [(Path(path).name, data) for path, data in files]
        # isolated: every file parsed in a bounded worker, so a file that kills its reader
        # is rejected alone and the others still load
        loaded = load_files(con, named, who=args.who, user=cli_user(args.who),
                            submitted_at=submitted, isolated=True,
                            skip_invalid_rows=args.skip_invalid_rows, absent_actions=args.absent_actions,
                            **common)
        for (path, _), outcomes in zip(files, loaded, strict=True):
            for o in outcomes:
                results.append(o.as_dict())
                if not args.json:
                    print(f"{path}: {o.message}")
                    for p in o.problems:  # an accepted file's too: skipped rows, warnings
                        print("  " + p.describe())
                if o.status == "rejected":
                    rejected += 1
        old = [r["upload_id"] for r in results
               if r.get("status") == "accepted" and _months_back(r.get("period")) > 2]
        if old and submitted is None:  # stamped with this run's time: neither flag nor cell gave one
            backfilled_now = int(db.scalar(con, db.sql("uploads_submitted_since"),
                                           {"ids": old, "t": started}))
    finally:
        con.close()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    if backfilled_now:
        print(f"note: {plural(backfilled_now, 'report')} of months long past {'was' if backfilled_now == 1 else 'were'} "
              "recorded as submitted now; for a backfill, give --submitted-at (or a 'Date "
              "submitted' cell), or timeliness counts them as late.", file=sys.stderr)
    return EXIT_USAGE if unusable else EXIT_INVALID if rejected else EXIT_OK


def _months_back(period: object) -> int:
    """How many months before this one a YYYY-MM period is (0 when it is not one)."""
    text = str(period or "")
    if len(text) != 7 or not text[:4].isdigit() or not text[5:].isdigit():
        return 0
    now = datetime.now()
    return (now.year - int(text[:4])) * 12 + now.month - int(text[5:])


def _checked(database: str | None) -> db.Connection:
    """The database opened, once the settings in force agree with those saved in it
    (`db.check_settings`): a command that reads or writes reports stops as the dashboard does."""
    con = db.connect(database) if database else db.connect()
    try:
        return db.check_settings(con)
    except LekgotlaError:
        con.close()
        raise


def cmd_strategy(args: argparse.Namespace) -> int:
    from ingest.register import load_register, parse_register
    from ingest.renames import aliases, planned_renames

    data = _read(args.file)
    con = _checked(args.db)
    try:
        parsed = parse_register(data, Path(args.file).name, aliases(con))
        warnings = [p for p in parsed.problems + planned_renames(con, parsed.departments)[1]
                    if p.severity == "warning"]
        version = load_register(con, data, Path(args.file).name, who=args.who,
                                user=cli_user(args.who), parsed=parsed)
        row = con.execute(db.sql("register_version_counts"), {"v": version}).fetchall()[0]
        assert row is not None
        print(f"{args.file}: register version {version} in force — {plural(row[0], 'objective')}, "
              f"{plural(row[1], 'department')}.")
        for former, department in con.execute(db.sql("department_renames_of"), {"v": version}).fetchall():
            print(f"  {former} is now {department}: its history moved with it.")
        for p in warnings:  # as `load` prints an accepted file's
            print("  " + p.describe())
        return EXIT_OK
    except ValidationFailed as e:
        print(f"{args.file}: rejected — {e.title}:", file=sys.stderr)
        for p in e.problems:
            print("  " + p.describe(), file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()


def cmd_annotate(args: argparse.Namespace) -> int:
    out_path = out_file(args.out, (".xlsx", ".xlsm"), source=args.file)
    opts = _read_only_options(args.db, **_parse_args_common(args))
    data = _read(args.file)
    parsed = parse_file(data, Path(args.file).name, opts)
    _check_against_plans(args.db, parsed, opts.absence)
    if parsed.unreadable:
        raise UsageError(f"{args.file}: cannot be read. {parsed.errors[0].message}")
    out = annotate(data, Path(args.file).name, parsed.problems)
    out_path.write_bytes(out)
    print(f"{args.out}: {plural(len(parsed.errors), 'error')} and {plural(len(parsed.warnings), 'warning')} marked.")
    return EXIT_INVALID if parsed.problems else EXIT_OK  # SPEC §6: 1 when it marked anything


def cmd_template(args: argparse.Namespace) -> int:
    from ingest.locate import department_key
    from ingest.renames import departments_by_key
    from ingest.template import build_template

    period = parse_period(args.period)
    assert period is not None
    out_path = out_file(args.out)
    database = settings.database(args.db)
    if not settings.is_lake(database) and not Path(database).exists():
        raise UsageError(f"There is no database at {database}: a template is filled from the "
                         "reports loaded (python -m ingest load), so give --db the database.")
    con = _checked(database)
    try:
        names = [r[0] for r in con.execute(db.sql("department_names_sorted")).fetchall()]
        # a department's former name (the register renamed it) is the department
        match = departments_by_key(con, names).get(department_key(args.department))
        if match is None:
            raise UsageError(f"Department {args.department!r} is unknown. Known: {', '.join(names) or 'none'}.")
        out_path.write_bytes(build_template(con, match, period, user=CLI))
    finally:
        con.close()
    print(f"{args.out}: template for {match}, {period.label}.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from ingest.backup import backup_folder, new_name, open_for_backup, size_text, write_backup

    database = settings.database(args.db)
    if args.path:  # before any work, as --out is
        out_file(args.path, None, what="a backup", flag="")
    if settings.is_lake(database):  # the shared store: a snapshot and its catalog, while in use
        from ingest import lake
        if args.path and not args.path.endswith(lake.MANIFEST):  # it is a manifest, not a database
            stem = Path(args.path).name.removesuffix(Path(args.path).suffix) or "lekgotla"
            raise UsageError(
                f"{args.path}: on the shared store a backup is a small manifest naming a snapshot "
                f"(and a dump of the catalog beside it), not a DuckDB file; give it a name ending "
                f"in {lake.MANIFEST}, such as {Path(args.path).with_name(stem + lake.MANIFEST)}.")
        con = db.connect(database)
        try:
            kept = lake.take_backup(con, CLI, Path(args.path) if args.path else new_name(
                backup_folder(con), datetime.now(), "manual", lake.MANIFEST))
        finally:
            con.close()
        print(f"{kept.path}: backup written (snapshot {kept.snapshot} of the shared store, "
              f"its catalog dumped to {kept.catalog.name}).")
        return EXIT_OK
    con = open_for_backup(Path(database))
    try:
        # "manual", as the dashboard's Back up now: a hand backup is never pruned nor taken for a timed one
        path = Path(args.path) if args.path else new_name(settings.backup_dir(database), datetime.now(), "manual")
        made = write_backup(con, path)
    finally:
        con.close()
    print(f"{made.path}: backup written ({made.rows} rows in {len(made.tables)} tables, "
          f"{size_text(made.size)}).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from ingest.backup import restore, restore_into_store

    target = settings.database(args.db)
    if settings.is_lake(target):  # the shared store goes back to the backup's snapshot, in use
        from ingest import lake
        con = db.connect(target)
        try:
            if not lake.is_manifest(Path(args.path)):  # a DuckDB file, moved into a new store
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
        sp.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
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
    ld.add_argument("--who", help="who is loading (recorded with the upload, and in the audit log "
                    "as 'WHO (command line)')")
    ld.add_argument("--submitted-at", help="when the report was submitted, YYYY-MM-DD (backfills; "
                    "else its 'Date submitted' cell, else now)")
    ld.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    ld.set_defaults(func=cmd_load)

    s = sub.add_parser("strategy", help="load the strategy register (replaces the one in force)")
    s.add_argument("file")
    s.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
    s.add_argument("--who", help="who is loading the register (recorded with it, and in the audit "
                   "log as 'WHO (command line)')")
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
    t.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
    t.set_defaults(func=cmd_template)

    b = sub.add_parser("backup", help="write a consistent copy of the database (a DuckDB file: "
                       "dashboard stopped, else back up on its Settings page; the shared store: "
                       "while the dashboards run, a pinned snapshot and its catalog's dump)")
    b.add_argument("path", nargs="?", help="the new backup file, in a folder that exists (default: a "
                   "new name ending -manual.duckdb, on the shared store -manual.lake.json, in the "
                   "backup folder, never pruned)")
    b.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="put a backup back as the database (a DuckDB file: dashboard "
                       "stopped, the replaced file kept); on the shared store, while the dashboards "
                       "run, a store backup (*.lake.json) goes back to its snapshot and a DuckDB "
                       "file moves into an empty store")
    r.add_argument("path")
    r.add_argument("--db", type=settings.database_flag, help=settings.DB_FLAG_HELP)
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
        settings.check_all()  # a bad setting stops every command, as it stops the dashboard
        settings.warn_unknown()  # a misspelt one is ignored: said, not stopped at
        code = int(args.func(args))
        sys.stdout.flush()  # here, so that a reader gone early is met below, not at exit
        return code
    except BrokenPipeError:  # the reader stopped early (| head): no message
        return stdout_closed()
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (LekgotlaError, ParseError) as e:
        message = e.message if isinstance(e, LekgotlaError) else str(e)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:  # a file or folder the command could not read or write
        print(f"error: {e.filename or 'a file'}: {e.strerror or e}.", file=sys.stderr)
        return EXIT_USAGE
