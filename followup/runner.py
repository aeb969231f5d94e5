"""The dashboard's own notify runs, for a DuckDB file: while the dashboard runs it holds the file,
so `python -m metrics notify` from cron cannot open it; this thread sends what is due instead,
every notify_every_hours (0: never; the shared store's instances leave it to the timer)."""

from __future__ import annotations

import sys
import threading
from datetime import datetime

import duckdb

from followup.delivery import given_up_words, notify, refused_words, untried_words
from ingest import db, settings
from ingest.errors import LekgotlaError


class NotifySchedule:
    """A thread that runs `notify` when due, on a cursor of the process's connection."""

    def __init__(self, con: db.Connection, first_check_s: float = 300.0) -> None:
        self.con = con
        self.first_check_s = first_check_s
        self.stop = threading.Event()
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="lekgotla-notify", daemon=True)

    def start(self) -> NotifySchedule:
        """Start the thread (once); returns self."""
        self.thread.start()
        return self

    def _run(self) -> None:
        wait = self.first_check_s
        while not self.stop.wait(wait):
            hours = int(settings.get("notify_every_hours"))
            wait = 3600.0 * max(hours, 1)
            if hours <= 0:
                continue
            try:
                run = notify(self.con.cursor(), datetime.now(), actor="system")
            except (LekgotlaError, duckdb.Error, OSError) as e:  # logged; tried again later
                self.error = str(e.message if isinstance(e, LekgotlaError) else e)
                print(f"lekgotla: notify failed: {self.error}", file=sys.stderr)
                continue
            for untold in run.untold:  # as the notify command warns of it
                print(f"lekgotla: notify warning: {untold.words()}", file=sys.stderr)
            if run.given_up:
                print(f"lekgotla: notify warning: {given_up_words(len(run.given_up))}", file=sys.stderr)
            if run.refused:
                print(f"lekgotla: notify warning: {refused_words(len(run.refused))}", file=sys.stderr)
            if run.untried:
                print(f"lekgotla: notify warning: {untried_words(len(run.untried))}", file=sys.stderr)
            said = [words for _, words in run.failed + run.refused]
            self.error = said[0] if said else None
