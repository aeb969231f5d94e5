"""A failed send in the words of the person who fixes it: what went wrong at which mail server, and
which setting to check (the smtp_* settings, docs/settings.md), never a Python exception name."""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl

from ingest.words import listing

# the smtp_* settings are not on the Settings page: they come from the environment or the secrets
WHERE_SET = "in the environment, or under [lekgotla] in .streamlit/secrets.toml"
SECURITY = "starttls for port 587, ssl for 465, none for 25"


def _check(*names: str) -> str:
    """`smtp_host and smtp_port (LEKGOTLA_SMTP_HOST and LEKGOTLA_SMTP_PORT in the environment…)`."""
    variables = listing([f"LEKGOTLA_{n.upper()}" for n in names])
    return f"check {listing(list(names))} ({variables} {WHERE_SET})"


def _server_said(e: smtplib.SMTPResponseException) -> str:
    """The server's own answer, as `550 no such user`."""
    text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
    return f"{e.smtp_code} {' '.join(text.split())}".strip()


def _reason(e: OSError) -> str:
    """An operating system error's own words, without its number."""
    return str(e.strerror or e.args[-1] if e.args else e)


def said(e: OSError | smtplib.SMTPException, address: str) -> str:
    """What sending through the mail server at `address` (smtp://host:port) failed on, and what to
    do about it."""
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return (f"The mail server at {address} refused the login ({_server_said(e)}): "
                f"{_check('smtp_user', 'smtp_password')}.")
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        def each(codes: dict[str, tuple[int, bytes]]) -> str:
            return listing([f"{to} ({code} {' '.join(_text(why).split())})"
                            for to, (code, why) in sorted(codes.items())])
        # a 4xx reply is the server's passing trouble (greylisting, a full queue), not the address
        lasting = {to: r for to, r in e.recipients.items() if not 400 <= r[0] < 500}
        passing = {to: r for to, r in e.recipients.items() if 400 <= r[0] < 500}
        said_of = ([f"refused the address {each(lasting)}: check it on Users, or on the "
                    "register's Departments sheet for a head"] if lasting else [])
        if passing:
            said_of.append(f"could not take the message for {each(passing)} for now: a temporary "
                           "failure on the mail server's side, not a wrong address")
        return f"The mail server at {address} {'; it '.join(said_of)}."
    if isinstance(e, smtplib.SMTPSenderRefused):
        return (f"The mail server at {address} refused the sender address {_text(e.sender)} "
                f"({_server_said(e)}): {_check('smtp_from')}.")
    if isinstance(e, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(e).upper():
        return (f"The mail server at {address} offers no secure connection (STARTTLS): "
                f"{_check('smtp_security')}: {SECURITY}.")
    if isinstance(e, smtplib.SMTPNotSupportedError):  # login asked of a server that takes none
        return (f"The mail server at {address} takes no login: leave smtp_user empty "
                f"(LEKGOTLA_SMTP_USER {WHERE_SET}).")
    if isinstance(e, smtplib.SMTPServerDisconnected) and timed_out(e):
        return (f"The mail server at {address} did not answer in time: it may be overloaded, or "
                f"not a mail server: {_check('smtp_host', 'smtp_port')}.")
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return (f"The mail server at {address} closed the connection: {_check('smtp_security')}: "
                f"{SECURITY}.")
    if isinstance(e, ssl.SSLCertVerificationError):
        return (f"The mail server at {address} showed a certificate that cannot be trusted "
                f"({e.verify_message}): check that smtp_host is the name on its certificate "
                f"(LEKGOTLA_SMTP_HOST {WHERE_SET}).")
    if isinstance(e, ssl.SSLError):
        return (f"The secure connection to the mail server at {address} failed ({e.reason or e}): "
                f"{_check('smtp_security')}: {SECURITY}.")
    if isinstance(e, socket.gaierror):
        return (f"No server is found at {address} (no such name): "
                f"{_check('smtp_host', 'smtp_port')}.")
    if isinstance(e, ConnectionRefusedError | TimeoutError | socket.timeout) or (
            isinstance(e, OSError) and e.errno in {errno.ENETUNREACH, errno.EHOSTUNREACH}):
        return f"Nothing answers at {address}: {_check('smtp_host', 'smtp_port')}."
    if isinstance(e, smtplib.SMTPResponseException):
        return f"The mail server at {address} refused the message ({_server_said(e)})."
    if isinstance(e, OSError):
        return f"The mail server at {address} could not be reached ({_reason(e)})."
    return f"The mail server at {address} refused the message ({e})."


def timed_out(e: BaseException) -> bool:
    """Whether the server took the connection (or none answered) and the wait ran out: smtplib
    says a read that timed out as a closed connection."""
    return isinstance(e, TimeoutError) or (
        isinstance(e, smtplib.SMTPServerDisconnected) and "timed out" in str(e))


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
