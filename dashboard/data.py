"""The database connection and cached calls to `metrics`, keyed on the data version.

One `st.cache_resource` holds the DuckDB connection of the process; every script run works on
its own `cursor()` (a shared connection is not thread-safe and each browser session is a
thread). Results are kept once per process (`st.cache_resource`; each caller gets its own copy),
keyed on the data version (a random stamp renewed by every upload, register and setting change:
two databases share one only while one is an unchanged copy of the other, ingest.db) and the
filters, so an upload shows on every page at once without clearing any cache. With the setting
shared_cache, a result missing from the process's memory is read from a folder every process
shares, and one worked out is written there (dashboard/shared_cache.py).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import shared_cache
from followup.runner import NotifySchedule
from ingest import db, settings
from ingest.backup import Schedule
from ingest.errors import LekgotlaError
from ingest.sample import ensure_sample_data

HARDENING = db.LOCK_DOWN
harden = db.lock_down  # the app's connection is locked down (ingest.db owns the connection)


@st.cache_resource(show_spinner="Opening the database…")
def _connection(path: str) -> db.Connection:
    con = db.connect(path)
    try:
        db.check_settings(con)  # raised, the page says why and nothing is kept (tried again next run)
    except LekgotlaError:
        con.close()
        raise
    harden(con)
    return con


@st.cache_resource(show_spinner="First start: loading the sample data from sample_data/ …")
def _started(path: str) -> bool:
    """Load the sample data into an empty database, once per process; True when it loaded."""
    return ensure_sample_data(_connection(path).cursor())


# the process holds the database, so it alone can back it up while in use; stopped when released
@st.cache_resource(show_spinner=False, on_release=lambda schedule: schedule.stop.set())
def _backups(path: str) -> Schedule:
    return Schedule(_connection(path)).start()


# the dashboard's own notify runs (notify_every_hours): a DuckDB file admits no other process
@st.cache_resource(show_spinner=False, on_release=lambda schedule: schedule.stop.set())
def _notifications(path: str) -> NotifySchedule:
    return NotifySchedule(_connection(path)).start()


# between page runs too: a change made elsewhere (another instance, a bulk load) starts the
# replay before people come back, not at their first run
@st.cache_resource(show_spinner=False, on_release=lambda watch: watch.stop.set())
def _watch(path: str) -> Watch:
    return Watch(_connection(path), path).start()


def backups() -> Schedule:
    """The scheduled backups of the process's database (ingest.backup.Schedule), started once."""
    return _backups(db_key())


def db_key() -> str:
    """The database in use (the key of its connection and of its schedules)."""
    return settings.database()


def start() -> bool:
    """Open the database and, on a fresh start with an empty database, load the sample data."""
    backups()
    _notifications(db_key())
    _watch(db_key())
    return _started(db_key())


def cursor() -> db.Connection:
    """A cursor of the process's connection, for this script run."""
    return _connection(db_key()).cursor()


def connection() -> db.Connection:
    """The process's connection itself, for work done outside this script run (a download made
    when its button is clicked takes its own `.cursor()` of it, in the server's thread)."""
    return _connection(db_key())


# Kept as the objects themselves, not pickled: st.cache_data unpickles a result on every read,
# ~10% of a warm page view for the month's 80,000 actions (benchmarks/README.md, "Per-view
# cost"); `_copy` hands each caller its own copy instead.
@st.cache_resource(show_spinner=False, max_entries=1000)
def _cached(module: str, name: str, version: int, args: tuple[Any, ...],
            kwargs: tuple[tuple[str, Any], ...], _con: db.Connection) -> Any:
    fn = getattr(importlib.import_module(module), name)
    kept = _kept_at(version, module, name, args, kwargs)
    if kept is None:
        return fn(_con, *args, **dict(kwargs))
    results, key = kept
    found, value = results.get(key)  # worked out by another process, or before a restart
    if found:
        return value
    start = time.perf_counter()
    value = fn(_con, *args, **dict(kwargs))
    if time.perf_counter() - start >= shared_cache.WORTH_KEEPING_S:
        results.put(key, value)
    return value


def _kept_at(version: int, module: str, name: str, args: tuple[Any, ...],
             kwargs: tuple[tuple[str, Any], ...]) -> tuple[shared_cache.SharedCache, str] | None:
    """Where a call's result is kept for every process: the folder (setting shared_cache) and
    its file name; None when the setting is empty or the call is not kept there."""
    path = shared_cache.folder()
    if path is None:
        return None
    results = _results_in(str(path), settings.get("shared_cache_mb"))
    key = results.key(version, module, name, args, kwargs)
    return None if key is None else (results, key)


@st.cache_resource(show_spinner=False)
def _results_in(path: str, megabytes: int) -> shared_cache.SharedCache:
    shared_cache.check_folder(Path(path))  # dashboard.startup checked it already
    return shared_cache.SharedCache(Path(path), megabytes * 2**20)


# The cached calls asked for (module, function, arguments), newest last, each with the data
# version it was last asked under. When the version changes (an upload, a correction, a setting:
# on the shared store, made by any instance), the latest `replay_queries` of those asked under
# the version before are worked out again in the background for the new one, newest first: the
# views people were reading are ready before they ask again, instead of each paying its queries
# at its next rerun; a view nobody read since the change before is left.
_asked: OrderedDict[tuple[Any, ...], int] = OrderedDict()
_asked_lock = threading.Lock()
_replay: dict[str, Any] = {"seen": None, "thread": None}
ASKED_KEPT = 1000  # as many as _cached keeps


def _remember(call: tuple[Any, ...], version: int) -> None:
    try:
        hash(call)
    except TypeError:  # an argument Streamlit can hash but Python cannot: not replayed
        return
    with _asked_lock:
        _asked[call] = version
        _asked.move_to_end(call)
        while len(_asked) > ASKED_KEPT:
            _asked.popitem(last=False)


def _seen(version: int, key: str, con: db.Connection) -> None:
    """Note the data version a script run (or the watch) read of the database `key`, whose
    connection is `con`; the first to read a new one starts the replay of the calls asked for
    before it (a process serving another database forgets them)."""
    seen = (key, version)
    with _asked_lock:
        before = _replay["seen"]
        _replay["seen"] = seen
        if before is None or before == seen:
            return
        if before[0] != seen[0]:
            _asked.clear()
            return
        calls = [c for c in reversed(_asked) if _asked[c] == before[1]
                 ][:settings.get("replay_queries")]
        if not calls:
            return
        # started and named under the lock: whoever sees the new version sees its replay
        _replay["thread"] = threading.Thread(target=_replayed, args=(seen, con, calls),
                                             daemon=True, name="lekgotla-replay")
        _replay["thread"].start()


def _replayed(seen: tuple[str, int], parent: db.Connection, calls: list[tuple[Any, ...]]) -> None:
    con = parent.cursor()  # not _connection(): a connection released meanwhile stays closed
    try:
        for module, name, args, kwargs in calls:
            if _replay["seen"] != seen:  # newer data: its own replay takes over
                return
            try:
                _replay_one(module, name, seen[1], args, kwargs, con)
            except Exception:  # noqa: BLE001 - a view gone with the change: its page will say so
                continue
    finally:
        con.close()


def _replay_one(module: str, name: str, version: int, args: tuple[Any, ...],
                kwargs: tuple[tuple[str, Any], ...], con: db.Connection) -> None:
    """One call of the replay; with shared results, left when another process is working it out
    (replaying it too): its result is read from the folder when a page here asks for it."""
    kept = _kept_at(version, module, name, args, kwargs)
    if kept is None or kept[0].has(kept[1]):
        _cached(module, name, version, args, kwargs, _con=con)
        return
    results, key = kept
    if not results.claim(key):
        return
    try:
        _cached(module, name, version, args, kwargs, _con=con)
    finally:
        results.release(key)


WATCH_S = 15.0  # seconds between the watch's reads of the data version (one small query)


class Watch:
    """A thread that reads the data version every WATCH_S seconds while replay_queries is above
    0, and starts the replay when it has changed."""

    def __init__(self, con: db.Connection, key: str) -> None:
        self.con, self.key = con, key
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lekgotla-watch", daemon=True)

    def start(self) -> Watch:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.wait(WATCH_S):
            try:
                if settings.get("replay_queries") <= 0:
                    continue
                cursor = self.con.cursor()
                try:
                    version = db.data_version(cursor)
                finally:
                    cursor.close()
                if not self.stop.is_set():
                    _seen(version, self.key, self.con)
            except Exception:  # noqa: BLE001 - closed or busy: the next page run notices instead
                continue


def wait_for_replay(timeout: float | None = None) -> None:
    """Wait for the background replay started by the last change of data version (tests)."""
    with _asked_lock:  # after a replay being started
        thread = _replay["thread"]
    if thread is not None:
        thread.join(timeout)


def _copy(value: Any) -> Any:
    """A cached result as the caller's own: a table shallowly (pandas copies on write, so a
    change made to it never reaches the cached one), a list of frozen dataclasses (the digest's
    sentences, which name thousands of actions for an organisation) as a new list of the same
    ones, anything else deeply."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, list) and all(_frozen(v) for v in value):
        return list(value)
    return copy.deepcopy(value)


def _frozen(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen  # type: ignore[union-attr]


# Figures kept: a large one (timeline, sunburst, grid) holds a lot of Python objects, and those
# of an older data version are only dropped as newer ones push them out.
@st.cache_resource(show_spinner=False, max_entries=100)
def _figure(module: str, name: str, version: int, inputs: tuple[Any, ...],
            plain_args: tuple[Any, ...], _build: Callable[..., Any], _args: tuple[Any, ...]
            ) -> Any:
    return _build(*_args)


# Tables as drawn (components.table): one is up to ~20 MB of Arrow for a month of 1M rows.
@st.cache_resource(show_spinner=False, max_entries=40)
def _shared(module: str, name: str, version: int, inputs: tuple[Any, ...],
            plain_args: tuple[Any, ...], _build: Callable[..., Any], _args: tuple[Any, ...]
            ) -> Any:
    return _build(*_args)


class Data:
    """This run's view of the database: a cursor and the data version, and cached calls.

    `d(metrics.kpis, filters)` runs `metrics.kpis(cursor, filters)` once per data version and
    filters; the result is a copy, so a page may change it freely.
    """

    def __init__(self) -> None:
        # one cursor and one read of the data version a script run, however many tables and
        # charts make a Data of their own (on the shared store each read is catalog round
        # trips); again after a write by this process
        ctx = get_script_run_ctx()
        run = getattr(ctx, "cursors", None)  # Streamlit makes this map anew at every run
        kept = getattr(ctx, "_lekgotla_view", None)
        if run is not None and kept is not None and kept[0] is run and kept[1] == db.commits():
            self.con, self.version = kept[2], kept[3]
        else:
            self.con = cursor()
            self.version = db.data_version(self.con)
            _seen(self.version, db_key(), connection())
            if run is not None:
                ctx._lekgotla_view = (run, db.commits(), self.con, self.version)  # type: ignore[union-attr]

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        call = (fn.__module__, fn.__name__, args, tuple(sorted(kwargs.items())))
        _remember(call, self.version)
        return _copy(_cached(call[0], call[1], self.version, call[2], call[3], _con=self.con))

    def figure(self, build: Callable[..., Any], *args: Any, inputs: tuple[Any, ...]) -> Any:
        """`build(*args)` (a chart of `presentation.charts`) built once per data version, `inputs`
        and the arguments that are not tables, and shared by every session: Plotly is slow
        to build a large figure, on every rerun and for every viewer. `inputs` must
        name everything the tables among `args` are made of — the filters and page choices of
        the cached calls they come from — since the tables themselves are not looked at. The
        figure is shared, not copied: draw it with `st.plotly_chart` (which copies it) and do
        not change it."""
        plain_args = tuple(a for a in args if not isinstance(a, (pd.DataFrame, pd.Series)))
        return _figure(build.__module__, build.__name__, self.version, inputs, plain_args,
                       _build=build, _args=args)

    def shared(self, build: Callable[..., Any], *args: Any, inputs: tuple[Any, ...]) -> Any:
        """`build(*args)` made once per data version, `inputs` and the arguments that are not
        tables, and shared by every session, as `figure` does for charts: for what a page draws
        from cached results and would otherwise make again on every run (a table as drawn).
        Shared, not copied: do not change it."""
        plain_args = tuple(a for a in args if not isinstance(a, (pd.DataFrame, pd.Series)))
        return _shared(build.__module__, build.__name__, self.version, inputs,
                       plain_args, _build=build, _args=args)

    def setting(self, name: str) -> Any:
        """One setting's value (environment, secrets, the Settings page, else its default)."""
        return settings.get(name, self(db.stored_settings))  # saving one bumps the version
