"""Parse an uploaded file in a separate process with a time and a memory limit.

A hostile or broken file (a zip bomb that slipped past the size checks, XML built to
explode, a sheet with millions of cells) can then cost at most `read_timeout_s` seconds and
`read_memory_mb` MB more than the idle worker, and the app that asked stays up. Memory is
watched from outside (the worker's resident size, polled every 20 ms) because an address-space
limit also counts the large virtual reservations numeric libraries make without using them.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection as Pipe
from typing import Any

from ingest.parse import Options, ParsedFile, parse_file
from ingest.problems import Problem

_CONTEXT: Any = None


def forkserver_context() -> Any:
    """A forkserver context with the parser preloaded: safe from threaded apps, quick to start."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["ingest.parse"])
        _CONTEXT = ctx
    return _CONTEXT


def _child(pipe: Pipe, data: bytes, file_name: str, opts: Options) -> None:
    try:
        result: Any = parse_file(data, file_name, opts)
    except MemoryError:
        result = "memory"
    except Exception as e:  # a bug, not a limit: report it as such
        result = ("crash", f"{type(e).__name__}: {e}")
    pipe.send(result)
    pipe.close()


_START_LOCK = threading.Lock()


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Start workers without `__main__`: multiprocessing would re-import it in the worker, and under
    Streamlit that is the app script (which must not run there); under `python -m ingest` the CLI."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@contextmanager
def starting_workers() -> Iterator[None]:
    """Around starting worker processes of `forkserver_context` (one thread at a time, without
    `__main__`): `parse_file_bounded` and the bulk load's pool both start theirs in here."""
    with _START_LOCK, _main_hidden():
        yield


def _rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def _refused(file_name: str, message: str) -> ParsedFile:
    return ParsedFile(file_name, problems=[Problem("error", message)], unreadable=True)


def parse_file_bounded(data: bytes, file_name: str, opts: Options, timeout_s: float = 30,
                       memory_mb: int = 1024) -> ParsedFile:
    """`parse_file` in a child process; a file that needs more time or memory is rejected with a message."""
    ctx = forkserver_context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, data, file_name, opts), daemon=True)
    with starting_workers():
        proc.start()
    child.close()
    base = _rss_mb(proc.pid)  # what the worker holds before reading; the limit is on top of it
    deadline = time.monotonic() + timeout_s
    result: Any = None
    try:
        while not parent.poll(0.02):
            if time.monotonic() > deadline:
                proc.kill()
                return _refused(file_name, f"Reading {file_name} took longer than {timeout_s:g} seconds, so it "
                                "was stopped. Remove unused sheets, images and empty formatted rows, or split "
                                "the report.")
            if _rss_mb(proc.pid) - base > memory_mb:
                proc.kill()
                result = "memory"
                break
            if not proc.is_alive() and not parent.poll(0):
                result = ("crash", f"the reader stopped with exit code {proc.exitcode}")
                break
        if result is None:
            try:
                result = parent.recv()
            except EOFError:
                result = ("crash", f"the reader stopped with exit code {proc.exitcode}")
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
        parent.close()
    if isinstance(result, tuple) and result[0] == "crash":
        return _refused(file_name, f"Lekgotla could not read {file_name} ({result[1]}). This is a fault in "
                        "Lekgotla, not in your file: send the file to the administrator.")
    if result == "memory":
        return _refused(file_name, f"Reading {file_name} needed more than {memory_mb:,} MB of memory, so it "
                        "was stopped. Remove unused sheets and images, or split the report.")
    assert isinstance(result, ParsedFile)
    return result
