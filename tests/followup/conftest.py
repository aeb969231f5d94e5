"""The notification tests: a real SMTP server (aiosmtpd, the standard asyncio one) that keeps what
it receives, a self-signed certificate for its TLS modes, and the hand-made history
(tests/support/metrics_history.py) with users to send to."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from backends import empty_database

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test's certificate (and checks it)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, Inbox]]:
    """A plain SMTP server on 127.0.0.1 (security none): its port and inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def with_users(con: db.Connection) -> db.Connection:
    for email, name, role, departments in USERS:
        save_user(con, CLI, email, role, name, departments)
    return con


@pytest.fixture
def history_con() -> Iterator[db.Connection]:
    """The hand-made history with USERS, a database of this test's own."""
    from metrics_history import build

    connection = with_users(build(db.connect(empty_database())))
    yield connection
    connection.close()


def parts(message: EmailMessage) -> tuple[str, str, dict[str, bytes]]:
    """The plain text, the HTML and the attachments (file name -> bytes) of a message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    files = {str(p.get_filename()): p.get_content() for p in message.iter_attachments()}
    return str(text.get_content()), str(html.get_content()), files
