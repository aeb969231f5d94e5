"""What every command line does when its reader goes away (`lekgotla kpis … | head`)."""

from __future__ import annotations

import os
import signal
import sys

# the exit status of a program that SIGPIPE ended, as `cat` or `grep` report it
EXIT_CLOSED = 128 + signal.SIGPIPE


def stdout_closed() -> int:
    """End quietly after a write to a closed stdout: what is still buffered goes nowhere (else
    Python says so at exit); returns the exit code to give."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_CLOSED
