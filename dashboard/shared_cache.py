"""Results of the dashboard's cached calls kept in a folder every dashboard process reaches (the
`shared_cache` setting), so that a view one process worked out is read, not worked out again, by
the others and after a restart.

A result is keyed on the data version (a random stamp renewed by every change of data: two
databases share one only while one is an unchanged copy of the other), the call (module, function,
arguments) and what else decides it: the code of the packages below the dashboard (PACKAGES), the
libraries' versions, and the settings from the environment and secrets that bear on a result
(those saved in the database change the data version). A call whose arguments are not plain
values (text, numbers, dates, tuples, frozen dataclasses of those), or whose function lies
elsewhere, is not kept here.

Each result is one pickle file, written under another name and renamed into place, so a reader
sees a whole file or none. Pickles are trusted like the database itself: the folder must be
writable by the dashboard's user only (`check_folder`). The folder is kept under `shared_cache_mb`
by removing the files read least lately, and a result of another data version is removed a minute
after it was last read. The replay after a change (dashboard.data) claims each view before working
it out again, so N processes replaying what their pages read work each view out once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import pickle
import stat
import sys
import tempfile
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from ingest import settings
from ingest.errors import LekgotlaError

log = logging.getLogger(__name__)

# the packages whose functions' results are kept (their code is in the key: `fingerprint`)
PACKAGES = ("ingest", "metrics", "presentation", "followup")
SUFFIX, PART, CLAIM = ".pkl", ".part", ".claim"  # a result; one being written; one being worked out
ABANDONED_S = 3600.0  # a file being written this long was left by a process that stopped
CLAIM_S = 300.0  # a claim this old was left by a process that stopped working the result out
KEEP_OTHER_VERSIONS_S = 60.0  # a process still on the version before reads it for a moment
WORTH_KEEPING_S = 0.02  # a call quicker than this is cheaper to work out again than to read
PRUNE_EVERY = 20  # writes between two looks at the folder's size


class SharedCache:
    """One folder of results (`path`), at most `limit_bytes` of them."""

    def __init__(self, path: Path, limit_bytes: int) -> None:
        self.path, self.limit_bytes = path, limit_bytes
        self._writes = 0
        self._lock = threading.Lock()

    def key(self, version: int, module: str, name: str, args: tuple[Any, ...],
            kwargs: tuple[tuple[str, Any], ...]) -> str | None:
        """The file name of this call's result, or None when an argument is not a plain value or
        the function's code is not in `fingerprint`."""
        if module.split(".", 1)[0] not in PACKAGES:
            return None
        try:
            call = json.dumps([module, name, _plain(args), _plain(dict(kwargs))], sort_keys=True)
        except _NotPlain:
            return None
        digest = hashlib.sha256(f"{fingerprint()}\n{settings_fingerprint()}\n{call}".encode())
        return f"{version & (2**64 - 1):016x}-{digest.hexdigest()[:40]}{SUFFIX}"

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, the result) when the folder holds it, else (False, None)."""
        file = self.path / key
        try:
            with open(file, "rb") as f:
                value = pickle.load(f)  # noqa: S301 - our own files, in a folder only we write
        except FileNotFoundError:
            return False, None
        except Exception as e:  # noqa: BLE001 - a damaged file is a miss, and goes
            log.warning("Shared cache: %s could not be read (%s); removed", file, e)
            file.unlink(missing_ok=True)
            return False, None
        try:
            os.utime(file)  # read lately: the last to go when the folder is full
        except OSError:
            pass
        return True, value

    def has(self, key: str) -> bool:
        """Whether the folder holds this result."""
        return (self.path / key).is_file()

    def claim(self, key: str) -> bool:
        """Take the working out of `key` for this process, so that another (replaying the same
        view after a change) leaves it: False when another process took it less than CLAIM_S
        ago. `release` it when done."""
        path = self.path / (key + CLAIM)
        for _ in range(2):  # a claim left by a stopped process is taken over once
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return True
            except FileExistsError:
                try:
                    if time.time() - path.stat().st_mtime < CLAIM_S:
                        return False
                except FileNotFoundError:
                    continue  # released meanwhile
                path.unlink(missing_ok=True)
            except OSError as e:  # a folder that cannot be written: work it out anyway
                log.warning("Shared cache: no claim could be made in %s (%s)", self.path, e)
                return True
        return False

    def release(self, key: str) -> None:
        """Give back a claim `claim` took."""
        (self.path / (key + CLAIM)).unlink(missing_ok=True)

    def put(self, key: str, value: Any) -> None:
        """Keep a result (a value that cannot be pickled, or a folder that cannot be written, is
        left out with a warning in the log: the view has its result already)."""
        try:
            handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".", suffix=PART)
            try:
                with os.fdopen(handle, "wb") as f:
                    pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path / key)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except Exception as e:  # noqa: BLE001 - see the docstring
            log.warning("Shared cache: a result could not be kept in %s (%s)", self.path, e)
            return
        with self._lock:
            self._writes += 1
            due = self._writes % PRUNE_EVERY == 1
        if due:
            self.prune(key.split("-", 1)[0])

    def prune(self, version: str) -> None:
        """Remove results of another data version not read for KEEP_OTHER_VERSIONS_S, then the
        oldest until the folder holds at most 80% of its limit."""
        now = time.time()
        files: list[tuple[float, int, Path]] = []
        for entry in os.scandir(self.path):
            part, claim = entry.name.endswith(PART), entry.name.endswith(CLAIM)
            if not part and not claim and not entry.name.endswith(SUFFIX):
                continue  # not ours
            try:
                age = now - entry.stat().st_mtime
                size = entry.stat().st_size
            except FileNotFoundError:
                continue
            if part or claim:  # being written or worked out, unless left by a stopped process
                if age > (ABANDONED_S if part else CLAIM_S):
                    Path(entry.path).unlink(missing_ok=True)
            elif not entry.name.startswith(version + "-") and age > KEEP_OTHER_VERSIONS_S:
                Path(entry.path).unlink(missing_ok=True)
            else:
                files.append((now - age, size, Path(entry.path)))
        total = sum(size for _, size, _ in files)
        if total <= self.limit_bytes:
            return
        for _, size, file in sorted(files):
            file.unlink(missing_ok=True)
            total -= size
            if total <= self.limit_bytes * 0.8:
                break


def check_folder(path: Path) -> None:
    """Make the folder when missing (for the dashboard's user only); raise LekgotlaError when it is
    not a folder this process can write, or when other users can write to it."""
    unusable = LekgotlaError(
        f"The shared_cache setting names `{path}`, which is not a folder the dashboard's user can "
        "write. Name another, or leave the setting empty to keep results in each process only.",
        "The shared cache folder is not usable")
    if path.exists() and not path.is_dir():
        raise unusable
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError as e:
        raise LekgotlaError(
            f"The shared_cache folder `{path}` cannot be made or read ({e}). Name a folder the "
            "dashboard's user can write, or leave the setting empty to keep results in each "
            "process only.", "The shared cache folder is not usable") from e
    if not os.access(path, os.W_OK | os.X_OK):
        raise unusable
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise LekgotlaError(
            f"Other users can write to the shared_cache folder `{path}`: what the dashboards read "
            f"from it is trusted like the database, so it must be the dashboard user's alone "
            f"(`chmod go-w {path}`).", "The shared cache folder is open to others")


def folder() -> Path | None:
    """The shared_cache setting as a folder (relative paths from the project folder), None when
    empty (results are kept in each process only)."""
    text = str(settings.get("shared_cache")).strip()
    if not text:
        return None
    path = Path(text)
    return path if path.is_absolute() else settings.PROJECT_ROOT / path


def opened() -> SharedCache | None:
    """The cache the settings name (its folder checked), or None."""
    path = folder()
    if path is None:
        return None
    check_folder(path)
    return SharedCache(path, int(settings.get("shared_cache_mb")) * 2**20)


class _NotPlain(Exception):
    """An argument that does not say the same thing in every process."""


def _plain(value: Any) -> Any:
    """`value` as JSON that means the same in every process, or _NotPlain."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):  # datetime too
        return ["date", value.isoformat()]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type) \
            and value.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        kind = type(value)
        return [f"{kind.__module__}.{kind.__qualname__}",
                {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    raise _NotPlain(type(value).__name__)


@cache
def fingerprint() -> str:
    """What decides a result besides its data, call and settings: the code of the layers that
    compute it and the libraries' versions (a deploy of new code starts afresh)."""
    import duckdb
    import numpy
    import pandas
    import pyarrow

    digest = hashlib.sha256(repr((sys.version, duckdb.__version__, pandas.__version__,
                                  numpy.__version__, pyarrow.__version__)).encode())
    for package in PACKAGES:
        for file in sorted((settings.PROJECT_ROOT / package).rglob("*")):
            if file.suffix in (".py", ".sql") and file.is_file():
                digest.update(str(file.relative_to(settings.PROJECT_ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


# settings that say where and how the dashboards run, not what a result holds: instances that
# differ in them (each its own data folder mounted elsewhere, say) still share results
OPERATIONAL = frozenset({
    "db", "data_path", "s3_endpoint", "s3_url_style", "s3_use_ssl", "threads",
    "lake_maintenance_hours", "snapshot_keep_days", "replay_queries", "shared_cache",
    "shared_cache_mb", "load_sample_data", "backup_dir", "backup_every_hours", "backup_keep",
    "smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_from",
    "outbox_dir", "notify_every_hours", "read_timeout_s", "read_memory_mb", "max_upload_mb",
    "max_uncompressed_mb",
})


def settings_fingerprint() -> str:
    """The other settings as the environment and the secrets files give them (the defaults are
    code, in `fingerprint`; those saved in the database change the data version)."""
    secrets = settings.secrets_values()
    given = {s.name: os.environ.get(f"LEKGOTLA_{s.name.upper()}", secrets.get(s.name))
             for s in settings.SETTINGS if s.name not in OPERATIONAL}
    return hashlib.sha256(json.dumps(given, sort_keys=True, default=str).encode()).hexdigest()
