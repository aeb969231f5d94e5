"""Sending: through the mail server (smtp_* settings), else into the outbox folder as .eml files;
each message claimed in the database first, so that it goes once per recipient, kind and period
even with two `notify` runs at once; failures retried with backoff, and recorded."""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from followup import queries
from followup.mail_errors import said, timed_out
from followup.messages import compose
from followup.schedule import Due, Untold, again, due, enabled_kinds, plan
from ingest import db, settings
from ingest.access import User, require
from ingest.audit import audit
from ingest.errors import LekgotlaError
from ingest.words import plural

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5  # a message that failed this often is left failed (the page shows it)
STALE_CLAIM = timedelta(hours=1)  # a claim this old whose sender never finished is taken again
TRIES_PER_RUN = 3


class Transport(Protocol):
    """Where a message goes."""

    @property
    def address(self) -> str:
        """Where it sends, as an error names it."""

    def send(self, msg: EmailMessage) -> str:
        """Deliver `msg`; where it went (raises on failure)."""


@dataclass
class Smtp:
    """The mail server: host, port, security (starttls, ssl, none), login."""

    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = ""
    timeout_s: float = 30
    context: ssl.SSLContext | None = None  # tests trust their own certificate

    @property
    def address(self) -> str:
        """The server, `smtp://host:port`."""
        return f"smtp://{self.host}:{self.port}"

    def send(self, msg: EmailMessage) -> str:
        """Send through the server."""
        context = self.context or ssl.create_default_context()
        opener: Any = smtplib.SMTP_SSL if self.security == "ssl" else smtplib.SMTP
        extra = {"context": context} if self.security == "ssl" else {}
        with opener(self.host, self.port, timeout=self.timeout_s, **extra) as server:
            if self.security == "starttls":
                server.starttls(context=context)
            if self.user:
                server.login(self.user, self.password)
            refused = server.send_message(msg)  # raises only when every address is refused
        if refused:
            raise PartlyRefused(self.address, refused)
        return self.address


class PartlyRefused(Exception):
    """The server took the message for some of its addresses and refused the others."""

    def __init__(self, where: str, refused: dict[str, tuple[int, bytes]]) -> None:
        super().__init__(where, refused)
        self.where, self.refused = where, refused


@dataclass
class Folder:
    """A folder that receives one .eml file per message (the outbox, or a dry run's)."""

    path: Path
    written: list[Path] = field(default_factory=list)

    @property
    def address(self) -> str:
        """The folder."""
        return str(self.path)

    def send(self, msg: EmailMessage) -> str:
        """Write `msg` as `<kind>-<period>-<recipient>.eml` (numbered when taken)."""
        self.path.mkdir(parents=True, exist_ok=True)
        stem = "-".join(str(msg.get(h, "")) for h in ("X-Lekgotla-Kind", "X-Lekgotla-Period", "To"))
        stem = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in stem)[:150]
        target, n = self.path / f"{stem}.eml", 1
        while target.exists():
            n += 1
            target = self.path / f"{stem}-{n}.eml"
        target.write_bytes(msg.as_bytes())
        self.written.append(target)
        return str(target)


def transport(con: db.Connection) -> Transport:
    """The mail server of the smtp_* settings, else the outbox folder."""
    host = str(db.setting(con, "smtp_host")).strip()
    if not host:
        folder = Path(str(db.setting(con, "outbox_dir")))
        return Folder(folder if folder.is_absolute() else settings.PROJECT_ROOT / folder)
    return Smtp(host, int(db.setting(con, "smtp_port")), str(db.setting(con, "smtp_security")),
                str(db.setting(con, "smtp_user")), str(db.setting(con, "smtp_password")))


def pending(con: db.Connection, at: datetime
            ) -> tuple[list[Due], list[Untold], list[dict[str, Any]]]:
    """What a run at `at` tries to send: the messages due then, and those it sends again (`standing`
    "open"), even once their day has passed (schedule.again says which still apply); the missing
    reports of that moment nobody can be told of; and the outbox rows, failed or given up on, of
    a kind still on that no longer apply (`lapse` marks them)."""
    todo, untold = plan(con, at)
    keys = {item.key for item in todo}
    now = datetime.now()
    rows = [r for r in queries.records(con, "notifications_unsent")
            if standing(r, now) in ("open", "given up")]
    applies = again(con, at, rows)
    still = {item.key for item in applies} | keys
    kinds = enabled_kinds(con)
    lapsed = [r for r in rows if r["kind"] in kinds and _key(r) not in still]
    retried = {_key(r) for r in rows if standing(r, now) == "open"}
    return (todo + [item for item in applies if item.key not in keys and item.key in retried],
            untold, lapsed)


def _key(row: dict[str, Any]) -> tuple[str, str, str, int]:
    return (row["recipient"], row["kind"], row["period"], int(row["upload_id"]))


def lapse(con: db.Connection, rows: list[dict[str, Any]], actor: str) -> None:
    """Mark these outbox rows (`pending`'s third list) as no longer applying, and audit each."""
    def mark(c: db.Connection) -> None:
        for row in rows:
            recipient, kind, period, upload_id = _key(row)
            queries.execute(c, "notification_lapsed", {"recipient": recipient, "kind": kind,
                                                       "period": period, "upload_id": upload_id})
            audit(c, actor, "notify", "lapsed", row["department"], period, kind=kind,
                  to=recipient, attempts=int(row["attempts"]))
    if rows:
        db.write(con, mark)


def _params(item: Due) -> dict[str, Any]:
    recipient, kind, period, upload_id = item.key
    return {"recipient": recipient, "kind": kind, "period": period, "upload_id": upload_id}


def standing(row: dict[str, Any], now: datetime | None = None) -> str:
    """What the outbox's row of a message lets a run do at `now`: "open" to send it (again): failed
    fewer than MAX_ATTEMPTS times, or claimed by a run that stopped mid-way (STALE_CLAIM ago);
    "sent"; "given up" (failed MAX_ATTEMPTS times); "sending" (another run's, still at it);
    "lapsed" (failed, then no longer applied: not tried again)."""
    if row["state"] == "failed":
        return "given up" if row["attempts"] >= MAX_ATTEMPTS else "open"
    if row["state"] == "sending" and row["claimed_at"] < (now or datetime.now()) - STALE_CLAIM:
        return "open"
    return str(row["state"])


def sendable(row: dict[str, Any]) -> bool:
    """Whether the outbox's row of a message lets a run send it: not sent, and not given up on."""
    return standing(row) in ("open", "sending")


def claim(con: db.Connection, item: Due, subject: str, now: datetime, who: str) -> str:
    """Take `item` for sending ("taken"), unless it was sent or is being sent by another run
    ("skipped"), or failed MAX_ATTEMPTS times ("given up"). One write transaction: of two runs at
    once one commits first, and the other, retried on its data, finds the row."""
    def take(c: db.Connection) -> str:
        rows = queries.records(c, "notification_get", _params(item))
        values = {**_params(item), "department": ", ".join(item.departments) or None,
                  "subject": subject, "now": now, "claimed_by": who}
        if not rows:
            queries.execute(c, "notification_claim_new", values)
            return "taken"
        state = standing(rows[0], now)
        if state in ("open", "lapsed"):  # lapsed: due once more (its report deleted again, say)
            queries.execute(c, "notification_claim_again", values)
            return "taken"
        return "given up" if state == "given up" else "skipped"
    return db.write(con, take)


def finish(con: db.Connection, item: Due, error: str | None, where: str | None, actor: str,
           tries: int, refused: str | None = None) -> None:
    """Record how a claimed message ended, and audit it: failed (`error`), or sent, to every
    address but those the server `refused` (kept as its last error)."""
    def done(c: db.Connection) -> None:
        queries.execute(c, "notification_done", {
            **_params(item), "state": "failed" if error else "sent",
            "last_error": error or refused, "sent_at": None if error else datetime.now(),
            "delivered_to": where})
        audit(c, actor, "notify", "failed" if error else "sent", ", ".join(item.departments) or None,
              item.period, kind=item.kind, to=item.recipient.email, cc=list(item.cc),
              tries=tries, delivered_to=where, error=error, refused=refused)
    db.write(con, done)


class Delivery(NamedTuple):
    """How sending one message went."""

    where: str | None  # where it went; None: nowhere
    error: str | None  # why it went nowhere, naming the server and what to check
    tries: int
    refused: str | None = None  # the addresses the server refused while taking it for the others
    timed_out: bool = False  # the last try waited out the timeout (mail_errors.timed_out)


def deliver(msg: EmailMessage, via: Transport, tries: int = TRIES_PER_RUN, backoff_s: float = 2.0,
            sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Send with up to `tries` attempts, waiting backoff_s, 2×, 4×… between them (in the words of
    mail_errors.said). Addresses refused while others took it are said, not tried again: the
    others would get it twice."""
    error, waited = None, False
    for attempt in range(1, tries + 1):
        try:
            return Delivery(via.send(msg), None, attempt)
        except PartlyRefused as e:
            return Delivery(e.where, None, attempt,
                            said(smtplib.SMTPRecipientsRefused(e.refused), e.where))
        except (OSError, smtplib.SMTPException) as e:  # socket errors included
            error, waited = said(e, via.address), timed_out(e)
            if attempt < tries:
                sleep(backoff_s * 2 ** (attempt - 1))
    return Delivery(None, error, tries, timed_out=waited)


@dataclass
class Run:
    """What one `notify` run did."""

    sent: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)
    skipped: list[Due] = field(default_factory=list)  # sent before, or by another run
    given_up: list[Due] = field(default_factory=list)  # failed MAX_ATTEMPTS times: not tried again
    refused: list[tuple[Due, str]] = field(default_factory=list)  # sent, but some addresses refused
    untried: list[Due] = field(default_factory=list)  # left for the next run: the server did not answer
    untold: list[Untold] = field(default_factory=list)  # missing reports nobody can be told of
    # outbox rows failed or given up on earlier that no longer apply: not tried again
    lapsed: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # a dry run's


def given_up_headline(count: int) -> str:
    """How many messages a run no longer tries, and why."""
    return f"{plural(count, 'message')} given up after {MAX_ATTEMPTS} failed attempts, not tried again"


def given_up_words(count: int) -> str:
    """What a run says of the messages it no longer tries: how many, and where to see why."""
    return (f"{given_up_headline(count)}: see Notifications → Outbox for why, and try them again "
            "there once the cause is fixed (or: python -m metrics notify --try-again)")


def untried_words(count: int) -> str:
    """What a run says of the messages it left when the mail server did not answer."""
    return (f"{plural(count, 'message')} not tried in this run, as the mail server did not answer "
            "the first (each try would wait for it again): the next run tries them")


def refused_words(count: int) -> str:
    """What a run says of the messages some of whose addresses the mail server refused."""
    return (f"{plural(count, 'message')} sent with an address the mail server refused: that "
            "address got nothing and is not tried again (the others would get the message "
            "twice); fix it on Users, or on the register's Departments sheet for a head")


def given_up(con: db.Connection) -> list[dict[str, Any]]:
    """The messages given up on (`standing`: failed MAX_ATTEMPTS times), newest first."""
    rows = queries.records(con, "notifications_unsent")
    return [r for r in reversed(rows) if standing(r) == "given up"]


def try_again(con: db.Connection, actor: User) -> list[dict[str, Any]]:
    """Give the messages given up on a fresh MAX_ATTEMPTS attempts, so the next run sends each one
    still due (a reminder past its deadline, or a report since received, stays unsent): admin only,
    audited. Returns them (none: nothing was written)."""
    require(con, actor, "notifications")

    def reset(c: db.Connection) -> list[dict[str, Any]]:
        rows = given_up(c)
        for row in rows:
            queries.execute(c, "notifications_try_again", row)
        if rows:
            audit(c, actor.email, "notify", "try again", None, None, messages=len(rows),
                  to=sorted({r["recipient"] for r in rows}))
        return rows
    return db.write(con, reset)


def claimant() -> str:
    """This run's name in the outbox: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _compose(con: db.Connection, item: Due, at: datetime, pdf: bool) -> EmailMessage | str:
    """The message, or why it cannot be made: one department's bad data must not stop the
    messages of every other (an unexpected error is logged with its traceback as well)."""
    try:
        return compose(con, item, at, pdf=pdf)
    except LekgotlaError as e:  # e.g. the period has no data for the pack
        return e.message
    except Exception as e:  # noqa: BLE001 - any other failure of one message, kept to that message
        log.exception("The %s message of %s for %s could not be composed", item.kind, item.period,
                      ", ".join(item.departments) or "the organisation")
        return f"The message could not be composed ({type(e).__name__}: {e})."


def notify(con: db.Connection, at: datetime, *, dry_run: Path | None = None,
           via: Transport | None = None, actor: str = "cli", pdf: bool = True,
           backoff_s: float = 2.0, items: list[Due] | None = None) -> Run:
    """Send every message due at `at` that has not been sent, and those that failed before
    (`pending`; `items`: these instead). With
    `dry_run`, write each that a real run would send as an .eml file there and record nothing
    (those sent before are counted in `skipped`, those failed MAX_ATTEMPTS times in `given_up`,
    as a real run counts them)."""
    run = Run()
    if items is None:
        todo, run.untold, run.lapsed = pending(con, at)
        if dry_run is None:
            lapse(con, run.lapsed, actor)
    else:
        todo = items
    if dry_run is not None:
        folder = Folder(Path(dry_run))
        for item in todo:
            rows = queries.records(con, "notification_get", _params(item))
            if rows and standing(rows[0]) == "given up":
                run.given_up.append(item)
                continue
            if rows and not sendable(rows[0]):
                run.skipped.append(item)
                continue
            composed = _compose(con, item, at, pdf)
            if isinstance(composed, str):
                run.failed.append((item, composed))
                continue
            folder.send(composed)
            run.sent.append(item)
        run.files = folder.written
        return run
    via = via or transport(con)
    who = claimant()
    tries = TRIES_PER_RUN
    for item in todo:
        msg = _compose(con, item, at, pdf)
        subject = item.kind if isinstance(msg, str) else str(msg["Subject"])
        taken = claim(con, item, subject, datetime.now(), who)
        if taken != "taken":
            (run.given_up if taken == "given up" else run.skipped).append(item)
            continue
        if isinstance(msg, str):  # recorded as failed, and the run goes on to the others
            finish(con, item, msg, None, actor, 0)
            run.failed.append((item, msg))
            continue
        where, error, made, refused, waited = deliver(msg, via, tries=tries, backoff_s=backoff_s)
        finish(con, item, error, where, actor, made, refused)
        if refused:
            run.refused.append((item, refused))
        if error:
            run.failed.append((item, error))
            if waited and not run.sent:  # each try would wait the timeout again: left to the next run
                run.untried = todo[todo.index(item) + 1:]
                break
            # a server that no message reaches is down for the rest: one try each, no waiting
            tries = 1 if not run.sent else tries
        else:
            run.sent.append(item)
            tries = TRIES_PER_RUN
    return run


def notify_rejected(con: db.Connection, upload_id: int, data: bytes, actor: str,
                    at: datetime | None = None, via: Transport | None = None) -> Run:
    """The rejected-upload notice for one upload, sent as it is recorded, with the file itself
    attached, its cells marked (a rejected file is not kept: a later `notify` run can attach the
    problem list only). Once per recipient, as every message; nothing when the kind is off."""
    at = at or datetime.now()
    if "rejected" not in enabled_kinds(con):
        return Run()
    items = [item for item in due(con, at, ["rejected"]) if item.upload_id == upload_id]
    for item in items:
        item.upload["data"] = data
    return notify(con, at, via=via, actor=actor, items=items, backoff_s=0.5)


def history(con: db.Connection, states: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The outbox: every message claimed, newest first (by state and kind when given)."""
    return queries.records(con, "notifications_list", {"states": list(states), "kinds": list(kinds)})
