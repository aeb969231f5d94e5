"""A failed send says what to check, naming the server and the setting, in plain words: the
common cases one by one, and a real certificate the client does not trust."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from pathlib import Path

import pytest
from mail import Inbox, server_context

from followup.delivery import Smtp, deliver
from followup.mail_errors import said
from tools.launch import free_port

AT = "smtp://mail.example.org:587"
WHERE = "in the environment, or under [lekgotla] in .streamlit/secrets.toml"
HOST_PORT = f"check smtp_host and smtp_port (LEKGOTLA_SMTP_HOST and LEKGOTLA_SMTP_PORT {WHERE})"
SECURITY = (f"check smtp_security (LEKGOTLA_SMTP_SECURITY {WHERE}): starttls for port 587, ssl "
            "for 465, none for 25")


@pytest.mark.parametrize(("error", "words"), [
    (ConnectionRefusedError(111, "Connection refused"), f"Nothing answers at {AT}: {HOST_PORT}."),
    (TimeoutError("timed out"), f"Nothing answers at {AT}: {HOST_PORT}."),
    (socket.gaierror(-2, "Name or service not known"),
     f"No server is found at {AT} (no such name): {HOST_PORT}."),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8  Bad\r\n credentials"),
     f"The mail server at {AT} refused the login (535 5.7.8 Bad credentials): check smtp_user and "
     f"smtp_password (LEKGOTLA_SMTP_USER and LEKGOTLA_SMTP_PASSWORD {WHERE})."),
    # a temporary reply (4xx) is not the address's fault: the admin was sent to correct it
    (smtplib.SMTPRecipientsRefused({"zoe@example.org": (451, b"4.3.0 try again later")}),
     f"The mail server at {AT} could not take the message for zoe@example.org (451 4.3.0 try "
     "again later) for now: a temporary failure on the mail server's side, not a wrong address."),
    (smtplib.SMTPRecipientsRefused({"zoe@example.org": (550, b"5.1.1 no such user")}),
     f"The mail server at {AT} refused the address zoe@example.org (550 5.1.1 no such user): "
     "check it on Users, or on the register's Departments sheet for a head."),
    (smtplib.SMTPSenderRefused(553, b"not yours", "lekgotla@localhost"),
     f"The mail server at {AT} refused the sender address lekgotla@localhost (553 not yours): "
     f"check smtp_from (LEKGOTLA_SMTP_FROM {WHERE})."),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
     f"The mail server at {AT} offers no secure connection (STARTTLS): {SECURITY}."),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
     f"The mail server at {AT} closed the connection: {SECURITY}."),
    (smtplib.SMTPDataError(554, b"message rejected"),
     f"The mail server at {AT} refused the message (554 message rejected)."),
])
def test_each_common_failure_says_what_to_check(error: Exception, words: str) -> None:
    assert said(error, AT) == words  # type: ignore[arg-type]


def test_a_certificate_not_trusted_names_the_server_and_what_to_check(
        certificate: tuple[Path, Path]) -> None:
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port,
                            ssl_context=server_context(certificate))
    controller.start()
    try:  # the client trusts only the system's authorities, not the test's own certificate
        where, error, *_ = deliver(EmailMessage(), Smtp("127.0.0.1", port, "ssl", timeout_s=5),
                                  tries=1)
    finally:
        controller.stop()
    assert where is None
    assert error == (f"The mail server at smtp://127.0.0.1:{port} showed a certificate that cannot "
                     "be trusted (self-signed certificate): check that smtp_host is the name on "
                     f"its certificate (LEKGOTLA_SMTP_HOST {WHERE}).")
