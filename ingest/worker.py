"""Read an uploaded file in a separate process with a time and a memory limit.

A hostile or broken file (a zip bomb that slipped past the size checks, XML built to
explode, a sheet with millions of cells) can then cost at most `read_timeout_s` seconds and
`read_memory_mb` MB more than the idle worker, and the app that asked stays up, even when the
reader dies outright (a native library aborting the process). `run_bounded` runs any such read
(parsing, the mapping editor's view of a file, the annotated workbook). Memory is
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection as Pipe
from typing import Any

from ingest.errors import IngestError
from ingest.parse import Options, ParsedFile, parse_file
from ingest.problems import Problem

_CONTEXT: Any = None


def forkserver_context() -> Any:
    """A forkserver context with the parser preloaded: safe from threaded apps, quick to start."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["ingest.parse", "ingest.annotate"])
        _CONTEXT = ctx
    return _CONTEXT


def _child(pipe: Pipe, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result: Any = ("ok", fn(*args))
    except IngestError as e:  # the file's own fault, said in the function's words
        result = ("refused", e.message, e.title)
    except MemoryError:
        result = ("memory",)
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


def run_bounded(fn: Callable[..., Any], *args: Any, file_name: str, timeout_s: float = 30,
                memory_mb: int = 1024) -> Any:
    """`fn(*args)` in a child process, returning its result; IngestError (in the user's words, naming
    `file_name`) when it needs more time or memory, or when the process dies (a reader that aborts
    takes only its own process). `fn`, its arguments and its result must pickle."""
    ctx = forkserver_context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
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
                raise IngestError(
                    f"Reading {file_name} took longer than {timeout_s:g} seconds, so it was stopped. Remove "
                    "unused sheets, images and empty formatted rows, or split the report.", "The file is too slow to read")
            if _rss_mb(proc.pid) - base > memory_mb:
                proc.kill()
                result = ("memory",)
                break
            if not proc.is_alive() and not parent.poll(0):
                result = ("crash", f"the reader stopped with exit code {proc.exitcode}")
                break
        if result is None:
            try:
                result = parent.recv()
            except EOFError:
                proc.join(timeout=5)
                result = ("crash", f"the reader stopped with exit code {proc.exitcode}")
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
        parent.close()
    if result[0] == "ok":
        return result[1]
    if result[0] == "refused":
        raise IngestError(result[1], result[2])
    if result[0] == "memory":
        raise IngestError(f"Reading {file_name} needed more than {memory_mb:,} MB of memory, so it was stopped. "
                          "Remove unused sheets and images, or split the report.", "The file is too large")
    raise IngestError(f"Lekgotla could not read {file_name} ({result[1]}). This is a fault in Lekgotla, "
                      "not in your file: send the file to the administrator.", "The file could not be read")


def _refused(file_name: str, message: str) -> ParsedFile:
    return ParsedFile(file_name, problems=[Problem("error", message)], unreadable=True)


def parse_file_bounded(data: bytes, file_name: str, opts: Options, timeout_s: float = 30,
                       memory_mb: int = 1024) -> ParsedFile:
    """`parse_file` in a child process; a file that needs more time or memory, or that kills its
    reader, is rejected with a message."""
    try:
        result = run_bounded(parse_file, data, file_name, opts, file_name=file_name, timeout_s=timeout_s,
                             memory_mb=memory_mb)
    except IngestError as e:
        return _refused(file_name, e.message)
    assert isinstance(result, ParsedFile)
    return result
