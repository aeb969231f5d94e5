"""Helpers of the notification tests (tests/followup): the SMTP server's handler that keeps what it
receives, TLS contexts for a self-signed certificate, the users of the hand-made history, and a
message's parts."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ingest import db
from ingest.access import CLI
from ingest.users import save_user

# who the history's notifications go to: Health's head also heads Works (one message for both)
USERS = (("fin@example.org", "Fatima Finance", "department_head", ("Finance",)),
         ("health@example.org", "Hendrik Health", "department_head", ("Health", "Works")),
         ("me@example.org", "Mpho M&E", "me", ()),
         ("boss@example.org", "Busi Leadership", "leadership", ()),
         ("admin@example.org", "Ada Admin", "admin", ()))


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """aiosmtpd's handler: keeps every message."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test's certificate (and checks it)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def with_users(con: db.Connection) -> db.Connection:
    """The hand-made history (metrics_history) as the notification tests read it: with USERS, and
    Works' accepted March version reaching Lekgotla on 6 April, its Date submitted cell saying 2
    April (on time, and in for the reminders): until then the rejection of 1 April is news."""
    for email, name, role, departments in USERS:
        save_user(con, CLI, email, role, name, departments)
    con.execute("UPDATE uploads SET uploaded_at = TIMESTAMP '2025-04-06 09:00:00' "
                "WHERE upload_id = 10")
    return con


def parts(message: EmailMessage) -> tuple[str, str, dict[str, bytes]]:
    """The plain text, the HTML and the attachments (file name -> bytes) of a message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    files = {str(p.get_filename()): p.get_content() for p in message.iter_attachments()}
    return str(text.get_content()), str(html.get_content()), files
