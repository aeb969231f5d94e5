"""Every setting in one table: name, default, type and help, read from the environment.

A setting is read, in this order, from the environment variable `LEKGOTLA_<NAME>`, from the
secrets file (key `<name>` under `[lekgotla]`: `.streamlit/secrets.toml`, or the files
`LEKGOTLA_SECRETS_FILES` names), from the `settings` table of
the database (organisation settings saved on the Settings page), else its default.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ingest.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    type: type
    help: str
    editable: bool = False  # organisation settings an admin may change on the Settings page


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "data/lekgotla.duckdb", str,
            "The database: a DuckDB file's path (relative paths are taken from the project folder), "
            "or ducklake:postgres:<libpq connection string> for the shared store that several "
            "dashboard processes use at once (docs/deployment.md)."),
    Setting("data_path", "data/lake/", str,
            "Shared store only: where its data files (Parquet) go when the store is created — a "
            "folder every dashboard process reaches (relative paths are taken from the project "
            "folder), or s3://bucket/prefix/ on S3-compatible storage."),
    Setting("s3_endpoint", "", str,
            "Shared store on S3-compatible storage other than Amazon's: its address, host:port "
            "(empty: Amazon S3). The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "in the environment (docs/deployment.md)."),
    Setting("s3_url_style", "vhost", str,
            "Shared store on S3-compatible storage: vhost (bucket.host/key, Amazon's) or path "
            "(host/bucket/key, what most other servers expect)."),
    Setting("s3_use_ssl", True, bool,
            "Shared store on S3-compatible storage: reach s3_endpoint over HTTPS (false: plain "
            "HTTP, for a server on a private network only)."),
    Setting("threads", 0, int,
            "Threads DuckDB may use for one query in each process; 0: one per core (DuckDB's "
            "own default). Several dashboard processes on one machine each taking every core "
            "only contend: deploy/start gives each cores ÷ instances."),
    Setting("lake_maintenance_hours", 6, int,
            "Shared store only: hours between merging its small files and expiring old snapshots "
            "(also done after every bulk load); 0: only after bulk loads."),
    Setting("snapshot_keep_days", 30, int,
            "Shared store only: days an old snapshot is kept for going back to (snapshots a backup "
            "names are kept as long as the backup)."),
    Setting("date_order", "DMY", str,
            "How text dates such as 03/04/2025 are read: DMY (day first), MDY or YMD.", True),
    Setting("on_time_day", 7, int,
            "A report is on time when accepted on or before this day of the following month.", True),
    Setting("red_slip_days", 30, int, "RAG: Red when an action has slipped more than this many days.", True),
    Setting("red_schedule_variance", -25.0, float,
            "RAG: Red when schedule variance (percentage points) is below this.", True),
    Setting("amber_schedule_variance", -10.0, float,
            "RAG: Amber when schedule variance (percentage points) is below this.", True),
    Setting("currency", "R", str, "Currency symbol shown before money on the dashboard.", True),
    Setting("max_upload_mb", 20, int, "Largest file accepted for upload, in MB."),
    Setting("max_uncompressed_mb", 100, int,
            "Largest uncompressed content of a workbook, in MB (checked before parsing)."),
    Setting("max_rows", 5000, int, "Most action rows one report may hold."),
    Setting("read_timeout_s", 30, int, "Longest time reading one file may take, in seconds."),
    Setting("read_memory_mb", 1024, int, "Most memory reading one file may use, in MB."),
    Setting("replay_queries", 300, int,
            "After the data changes (an upload, a correction, a saved setting), each dashboard "
            "process works out again in the background this many of the queries its pages made "
            "since the change before (a page makes 5 to 15), so that those views are ready when "
            "people come back to them; 0: none."),
    Setting("shared_cache", "", str,
            "A folder every dashboard process reaches (relative paths are taken from the project "
            "folder) where each keeps the results its pages worked out, so that the other "
            "processes, and this one after a restart, read them instead of working them out "
            "again; writable by the dashboard's user only. Empty: results stay in each process."),
    Setting("shared_cache_mb", 2048, int,
            "Most disk space the shared_cache folder may take, in MB: the results read least "
            "lately go first."),
    Setting("load_sample_data", True, bool,
            "Load sample_data/ into an empty database when the dashboard starts."),
    Setting("require_login", False, bool,
            "Make login mandatory: the dashboard refuses to start without an [auth] section in "
            ".streamlit/secrets.toml instead of running in demo mode."),
    Setting("backup_dir", "", str,
            "Folder on the server for backups (taken on Settings and on schedule); empty: a "
            "'backups' folder beside the database. Put it on another disk for a real backup."),
    Setting("backup_every_hours", 24, int,
            "Hours between the backups the dashboard takes by itself while it runs; 0: none."),
    Setting("backup_keep", 14, int,
            "How many scheduled backups to keep in the backup folder (the oldest are deleted; "
            "backups taken by hand on Settings are never deleted)."),
    Setting("admin_emails", "", str,
            "Comma-separated emails let in as admin on their first login when no user record "
            "exists for them yet (to add the first administrator; manage everyone on Users)."),
    Setting("email_verified_providers", "", str,
            "Comma-separated identity providers trusted to send only verified emails, named by "
            "issuer URL (the token's iss) or by their [auth.NAME] name ('default' for the unnamed "
            "one): a login whose token has no email_verified claim is let in only from these "
            "(Microsoft Entra ID sends no such claim); email_verified false is always refused."),
    # notifications (followup/, `python -m metrics notify`): docs/settings.md, README "Notifications"
    Setting("smtp_host", "", str,
            "The mail server notifications are sent through; empty: each message is written as an "
            ".eml file to the outbox folder instead (outbox_dir)."),
    Setting("smtp_port", 587, int, "The mail server's port: 587 for starttls, 465 for ssl, 25 for none."),
    Setting("smtp_security", "starttls", str,
            "How the connection to the mail server is secured: starttls, ssl or none."),
    Setting("smtp_user", "", str, "The mail server login; empty: send without logging in."),
    Setting("smtp_password", "", str,
            "The mail server password: in .streamlit/secrets.toml or LEKGOTLA_SMTP_PASSWORD, never "
            "in the database, and never shown."),
    Setting("smtp_from", "lekgotla@localhost", str, "The sender address of notifications."),
    Setting("public_url", "http://localhost:8501", str,
            "The dashboard's address as people open it: links in notifications point there."),
    Setting("outbox_dir", "data/outbox/", str,
            "Where notifications go as .eml files while no mail server is set (smtp_host empty; "
            "relative paths are taken from the project folder)."),
    Setting("notify_kinds", "reminder,overdue,rejected,digest,pack", str,
            "Comma-separated notifications that are sent: reminder, overdue, rejected, digest, pack.",
            True),
    Setting("reminder_days_before", 3, int,
            "Reminders go to heads whose report is not in, from this many days before the "
            "deadline (on_time_day) up to it, but never before the month reported on is over (the "
            "1st of the next month): once a period, at the first notify run in those days.", True),
    Setting("digest_day", 10, int,
            "Day of the month on which last month's digest goes out (and, after a quarter ends, "
            "the quarter's review pack to leadership).", True),
    Setting("notify_every_hours", 0, int,
            "Hours between the notify runs the dashboard makes by itself while it runs; 0: none "
            "(cron or the systemd timer runs python -m metrics notify). Set it for a DuckDB file, "
            "which the command cannot open while the dashboard holds it."),
    Setting("pack_attach_xlsx", False, bool,
            "Attach the review pack's XLSX workbook to the quarterly email too (the HTML always, "
            "the PDF where Chromium is installed)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
NOTIFY_KINDS: tuple[str, ...] = ("reminder", "overdue", "rejected", "digest", "pack")
SECRET_SETTINGS = frozenset({"smtp_password"})  # never shown on a page


def _coerce(setting: Setting, raw: Any) -> Any:
    if setting.type is int and (isinstance(raw, bool) or isinstance(raw, float)
                                and not raw.is_integer()):
        # a secrets file's `true` or 7.5 read as 1 or 7 would be a setting nobody wrote
        raise SettingsError(f"Setting {setting.name!r} has the value {raw!r}, which is not a whole "
                            f"number. {setting.help}")
    try:
        if setting.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        value = setting.type(raw)
    except (TypeError, ValueError) as e:
        raise SettingsError(
            f"Setting {setting.name!r} has the value {raw!r}, which is not "
            f"{_KIND_WORDS.get(setting.type, setting.type.__name__)}. "
            f"{setting.help}"
        ) from e
    if setting.name == "date_order" and value not in ("DMY", "MDY", "YMD"):
        raise SettingsError(f"Setting 'date_order' must be DMY, MDY or YMD, not {value!r}.")
    if setting.name == "s3_url_style" and value not in ("vhost", "path"):
        raise SettingsError(f"Setting 's3_url_style' must be vhost or path, not {value!r}.")
    if setting.name == "smtp_security" and value not in ("starttls", "ssl", "none"):
        raise SettingsError(f"Setting 'smtp_security' must be starttls, ssl or none, not {value!r}.")
    if setting.name == "smtp_from" and not _ADDRESS.fullmatch(value.strip()):
        raise SettingsError(f"Setting 'smtp_from' must be an email address such as "
                            f"lekgotla@example.org, not {value!r}.")
    if setting.name == "public_url" and not re.match(r"https?://[^\s/]+", value.strip()):
        raise SettingsError(f"Setting 'public_url' must be the dashboard's http:// or https:// "
                            f"address, such as https://lekgotla.example.org, not {value!r}.")
    if setting.name == "notify_kinds":
        listed = {k.strip() for k in value.split(",") if k.strip()}
        unknown = sorted(listed - set(NOTIFY_KINDS))
        if unknown:
            raise SettingsError(f"Setting 'notify_kinds' may list {', '.join(NOTIFY_KINDS)}; "
                                f"not {', '.join(unknown)}.")
        value = ",".join(k for k in NOTIFY_KINDS if k in listed)  # as stored: once each, in order
    if setting.name == "currency":
        value = value.strip()
        if not 1 <= len(value) <= 6 or any(c.isspace() or c in _MARKUP for c in value):
            raise SettingsError(f"Currency must be a short symbol such as R, ZAR, $, € or KSh (up "
                                f"to 6 characters, no spaces or markup such as < > [ ] * _), not "
                                f"{value!r}.")
    least = _LEAST.get(setting.name)
    if least is not None and value < least:
        raise SettingsError(f"Setting {setting.name!r} must be at least {least}, not {value}. "
                            f"{setting.help}")
    if setting.name == "threads" and value > (most := 4 * (os.cpu_count() or 1)):
        # each thread of a query on the shared store may hold a catalog connection of its own
        raise SettingsError(f"Setting 'threads' may be at most {most} (4 for each of this "
                            f"machine's {os.cpu_count() or 1} cores), not {value:,}. {setting.help}")
    bounds = _BOUNDS.get(setting.name)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        shown = f"{value:,}" if isinstance(value, int) else (
            f"{value:,.0f}" if float(value).is_integer() else f"{value:g}")
        raise SettingsError(f"{_TITLES[setting.name]} ({setting.name}) must be {bounds[2]}, not "
                            f"{shown}.")
    return value


# the least value each number setting may take (0 where 0 means "none" or "off")
_LEAST = {"backup_every_hours": 0, "notify_every_hours": 0, "backup_keep": 1,
          "lake_maintenance_hours": 0, "snapshot_keep_days": 1, "threads": 0, "max_rows": 1,
          "replay_queries": 0, "shared_cache_mb": 16, "max_upload_mb": 1, "max_uncompressed_mb": 1,
          "read_timeout_s": 1, "read_memory_mb": 16}


_ADDRESS = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+")  # one bare address (user@host)

# what a setting's type is, in words
_KIND_WORDS = {int: "a whole number", float: "a number", bool: "yes or no (true or false)",
               str: "text"}
# characters a currency symbol never needs, which Markdown or HTML would read as markup
_MARKUP = frozenset("<>[]()*_`#|\\!{}~&\"'")


# the range each threshold may take, and why, in words
_BOUNDS: dict[str, tuple[float, float, str]] = {
    "on_time_day": (1, 28, "a day from 1 to 28 (every month has it)"),
    "reminder_days_before": (0, 27, "from 0 to 27 days"),
    "digest_day": (1, 28, "a day from 1 to 28 (every month has it)"),
    "red_slip_days": (0, 3660, "from 0 to 3,660 days (ten years late)"),
    "red_schedule_variance": (-100, 0, "from -100 to 0 percentage points (behind schedule)"),
    "amber_schedule_variance": (-100, 0, "from -100 to 0 percentage points (behind schedule)"),
    "smtp_port": (1, 65535, "a port from 1 to 65535 (587 for starttls, 465 for ssl)"),
}
_TITLES = {"on_time_day": "On time day", "reminder_days_before": "Reminder days before",
           "digest_day": "Digest day", "red_slip_days": "Red slip days",
           "red_schedule_variance": "Red schedule variance",
           "amber_schedule_variance": "Amber schedule variance", "smtp_port": "SMTP port"}


def contradictions(values: dict[str, Any]) -> list[str]:
    """Why these settings, taken together, contradict each other (empty when they agree): Amber
    must start before Red, so the Amber schedule variance must be above the Red one; the digest
    goes out after the reports' deadline, so the digest day must come after the on time day."""
    found = []
    red, amber = values.get("red_schedule_variance"), values.get("amber_schedule_variance")
    if red is not None and amber is not None and amber <= red:
        found.append(
            f"Amber schedule variance ({amber:g} pp) must be above Red schedule variance ({red:g} "
            f"pp): an action turns Amber when it falls more than {-amber:g} pp behind schedule and "
            f"Red beyond {-red:g} pp, so Amber has to come first. Raise Amber or lower Red.")
    digest, deadline = values.get("digest_day"), values.get("on_time_day")
    if digest is not None and deadline is not None and digest <= deadline:
        found.append(
            f"Digest day ({digest}) must come after On time day ({deadline}): the digest and the "
            "quarter's review pack speak of the month's reports, and before the deadline they "
            "would call missing a report that may still come in on time. Set Digest day to "
            f"{deadline + 1} or later, or On time day earlier.")
    return found


def check_together(values: dict[str, Any]) -> None:
    """SettingsError saying why, when the settings `values` contradict each other."""
    found = contradictions(values)
    if found:
        raise SettingsError(" ".join(found))


# not a setting: the secrets files the settings are read from (secrets_files)
SECRETS_FILES = "LEKGOTLA_SECRETS_FILES"
# environment variables read that are not settings: the secrets files, the Chromium that prints
# PDFs (presentation.pack_pdf), and the tests' and benchmarks' own
OTHER_VARIABLES = frozenset({SECRETS_FILES, "LEKGOTLA_CHROMIUM", "LEKGOTLA_TEST_BACKEND",
                             "LEKGOTLA_SHOTS", "LEKGOTLA_BENCH_DIR"})


def unknown_names() -> list[str]:
    """What names no setting, in words: LEKGOTLA_ environment variables and keys under
    [lekgotla] in the secrets files. Each is ignored, so a misspelt name would leave its setting
    at its default without a word (backups in the default folder, say)."""
    names = [s.name for s in SETTINGS]
    found = []
    for variable in sorted(os.environ):
        name = variable.removeprefix("LEKGOTLA_").lower()
        if variable.startswith("LEKGOTLA_") and variable not in OTHER_VARIABLES and name not in _BY_NAME:
            found.append(f"The environment variable {variable} names no setting and is ignored"
                         + _meant(name, names, "LEKGOTLA_"))
    for key in sorted(_secrets()):
        if key not in _BY_NAME:
            found.append(f"The key {key!r} under [lekgotla] in the secrets file names no setting "
                         "and is ignored" + _meant(str(key), names, ""))
    return found


def warn_unknown(out: TextIO | None = None) -> None:
    """Write `unknown_names` as `warning:` lines (to stderr): what a command or the dashboard's
    start says, going on."""
    for line in unknown_names():
        print(f"warning: {line}", file=out or sys.stderr)


def _meant(name: str, names: list[str], prefix: str) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return (f": did you mean {prefix}{close[0].upper() if prefix else close[0]}? (docs/settings.md "
            "lists them)" if close else " (docs/settings.md lists the settings).")


def secrets_files() -> list[Path]:
    """The secrets files settings are read from, a later one over an earlier: those
    `LEKGOTLA_SECRETS_FILES` names (joined by the system's path separator; the dashboard sets it
    from the `--secrets.files` Streamlit was given), else the project's .streamlit/secrets.toml."""
    given = os.environ.get(SECRETS_FILES)
    if given:
        return [Path(p) for p in given.split(os.pathsep) if p]
    return [PROJECT_ROOT / ".streamlit" / "secrets.toml"]


def secrets_values() -> dict[str, Any]:
    """The [lekgotla] settings of the secrets files, merged (later files win)."""
    return _secrets()


def _secrets() -> dict[str, Any]:
    named = bool(os.environ.get(SECRETS_FILES))
    merged: dict[str, Any] = {}
    for path in secrets_files():
        if not path.is_file():
            if named:  # a file named on purpose that is not there: its settings would be lost
                raise SettingsError(f"{SECRETS_FILES} names {path}, which is not a file. Correct "
                                    "the path, or leave the variable out to read "
                                    ".streamlit/secrets.toml in the project folder.")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"{path} is not valid TOML: {e}") from e
        section = data.get("lekgotla", {})
        merged.update(section if isinstance(section, dict) else {})
    return merged


def source_of(name: str) -> str:
    """Where a setting's value comes from: environment, secrets, database or default."""
    if f"LEKGOTLA_{name.upper()}" in os.environ:
        return "environment"
    if name in _secrets():
        return "secrets"
    return "database-or-default"


def get(name: str, stored: dict[str, str] | None = None) -> Any:
    """The value of one setting; `stored` holds the organisation settings saved in the database."""
    setting = _BY_NAME[name]
    env = os.environ.get(f"LEKGOTLA_{name.upper()}")
    if env is not None:
        return _coerce(setting, env)
    secrets = _secrets()
    if name in secrets:
        return _coerce(setting, secrets[name])
    if stored and name in stored and setting.editable:
        try:
            return _coerce(setting, stored[name])
        except SettingsError:  # saved under an older version's looser rule: the default until
            return setting.default  # an admin saves it again (the Settings page shows it)
    return setting.default


def check_all(stored: dict[str, str] | None = None) -> None:
    """Raise SettingsError for the first setting whose value cannot be used (start-up check);
    with `stored` (the settings saved on the Settings page), also for environment or secrets
    values that contradict those, saying where each value comes from."""
    values = {s.name: get(s.name, stored) for s in SETTINGS}
    found = contradictions(values)
    if not found:
        return
    clashing = [name for pair in PAIRS if contradictions({n: values[n] for n in pair})
                for name in pair]
    found.append("Where they come from: " + "; ".join(
        f"{_TITLES[name]} {_where(name, stored)}" for name in clashing) + ". Change or remove "
        "the environment or secrets value: the dashboard and every command stop until they agree.")
    raise SettingsError(" ".join(found))


# the settings `contradictions` weighs against each other, two by two
PAIRS = (("red_schedule_variance", "amber_schedule_variance"), ("on_time_day", "digest_day"))


def _where(name: str, stored: dict[str, str] | None) -> str:
    """Where a setting's value in force comes from, in words."""
    source = source_of(name)
    if source == "environment":
        return f"from the environment (LEKGOTLA_{name.upper()})"
    if source == "secrets":
        return "from the secrets file"
    return "saved on the Settings page" if stored and name in stored else "by default"


def validate_value(name: str, raw: Any) -> Any:
    """The value an admin typed, coerced, or SettingsError."""
    return _coerce(_BY_NAME[name], raw)


LAKE_PREFIX = "ducklake:"


def is_lake(target: str | Path) -> bool:
    """Whether a `db` value names the shared store (DuckLake) rather than a DuckDB file."""
    return str(target).startswith(LAKE_PREFIX)


def database(given: str | Path | None = None) -> str:
    """The database in use: `given` (a --db flag) else the `db` setting — the shared store's
    `ducklake:` address as written, or a DuckDB file's absolute path."""
    text = str(given) if given is not None else str(get("db"))
    if is_lake(text) or text == ":memory:":
        return text
    path = Path(text)
    return str(path if path.is_absolute() else PROJECT_ROOT / path)


# the --db flag of every command, in its --help
DB_FLAG_HELP = ("database: a DuckDB file (a relative path is taken from the current folder), or "
                "ducklake:postgres:<connection> (default: the db setting, LEKGOTLA_DB, else "
                "data/lekgotla.duckdb; a relative path there is taken from the project folder)")


def database_flag(text: str) -> str:
    """A `--db` value as typed on the command line: a relative file path is taken from the current
    folder, as for any path given to a command (the `db` setting's from the project folder, so
    that the dashboard and every command find one database wherever they are started)."""
    if is_lake(text) or text == ":memory:":
        return text
    return str(Path(text).absolute())


def db_path() -> Path:
    """The database file: `LEKGOTLA_DB`, else `data/lekgotla.duckdb` in the project folder
    (SettingsError when `db` names the shared store, which is no file)."""
    target = database()
    if is_lake(target):
        raise SettingsError("The db setting names the shared store (ducklake:…), not a file.")
    return Path(target)


def data_path() -> str:
    """Where a new shared store puts its data files: s3://… as written, else an absolute folder
    ending in '/'."""
    text = str(get("data_path")).strip()
    if "://" in text:
        return text if text.endswith("/") else text + "/"
    path = Path(text)
    return str(path if path.is_absolute() else PROJECT_ROOT / path).rstrip("/") + "/"


def backup_dir(target: str | Path | None = None, lake_data: str | None = None) -> Path:
    """The backup folder: `LEKGOTLA_BACKUP_DIR`, else `backups` beside the database file
    (`target`, else the database configured) — for the shared store, beside its local data folder
    (`lake_data`: the one its catalog records, else the data_path setting), else in the project's
    data folder."""
    text = str(get("backup_dir")).strip()
    if not text:
        target = str(target) if target is not None else database()
        if lake_data is None and is_lake(target):
            lake_data = data_path()
        if lake_data is not None:
            return (Path(lake_data).parent if "://" not in lake_data else PROJECT_ROOT / "data") / "backups"
        return Path(target).resolve().parent / "backups"
    path = Path(text)
    return path if path.is_absolute() else PROJECT_ROOT / path
