"""Parse an uploaded file in a separate process with a time and a memory limit.

A hostile or broken file (a zip bomb that slipped past the size checks, XML built to
explode, a sheet with millions of cells) can then cost at most `read_timeout_s` seconds and
`read_memory_mb` MB, and the app that asked stays up.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
from multiprocessing.connection import Connection as Pipe
from typing import Any

from ingest.parse import Options, ParsedFile, parse_file
from ingest.problems import Problem

_CONTEXT: Any = None


def _context() -> Any:
    """A forkserver context with the parser preloaded: safe from threaded apps, quick to start."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["ingest.parse"])
        _CONTEXT = ctx
    return _CONTEXT


def _child(pipe: Pipe, data: bytes, file_name: str, opts: Options, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result: Any = parse_file(data, file_name, opts)
    except MemoryError:
        result = "memory"
    except Exception as e:  # a bug, not a limit: report it as such
        result = ("crash", f"{type(e).__name__}: {e}")
    pipe.send(result)
    pipe.close()


def _refused(file_name: str, message: str) -> ParsedFile:
    return ParsedFile(file_name, problems=[Problem("error", message)], unreadable=True)


def parse_file_bounded(data: bytes, file_name: str, opts: Options, timeout_s: float = 30,
                       memory_mb: int = 1024) -> ParsedFile:
    """`parse_file` in a child process; a file that needs more time or memory is rejected with a message."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, data, file_name, opts, memory_mb), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout_s):
            proc.kill()
            return _refused(file_name, f"Reading {file_name} took longer than {timeout_s:g} seconds, so it was "
                            "stopped. Remove unused sheets, images and empty formatted rows, or split the report.")
        try:
            result = parent.recv()
        except EOFError:
            result = "memory"  # the child died without answering: the memory limit killed it
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
