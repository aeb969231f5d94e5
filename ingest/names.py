"""Department names as compared (SPEC §2.1): one rule for the reader, the register, roles and users;
and what an email address may be, for users, the register's heads and test messages."""

from __future__ import annotations

import re
import unicodedata

from ingest.errors import LekgotlaError


def department_key(name: str) -> str:
    """A department name as compared (SPEC §2.1): ignoring case, spaces and punctuation, in every
    script ('&' reads as 'and'). Unicode NFKC normalisation and case folding, then the letters,
    digits and combining marks kept (an Indic vowel sign tells कमल from कमला); '' when the name has
    no letter or digit, which matches nothing (see `check_department_name`)."""
    text = unicodedata.normalize("NFKC", str(name).replace("&", " and "))
    text = unicodedata.normalize("NFKC", text.casefold())  # folding can un-normalise (as NFKC_Casefold)
    if not any(ch.isalnum() for ch in text):
        return ""
    return "".join(ch for ch in text if ch.isalnum() or unicodedata.category(ch).startswith("M"))


def no_department_message(name: str) -> str:
    """What to say about a department name without a letter or digit."""
    return (f"The department name {name!r} has no letter or digit, so it names no department: "
            "write the department's name.")


NAME_MAX = 100  # characters in a department's name: it fills the sidebar, chart labels and mail subjects


def too_long_message(name: str) -> str | None:
    """What to say about a department name over NAME_MAX characters; None when it is not."""
    length = len(" ".join(str(name).split()))
    if length <= NAME_MAX:
        return None
    return f"A department name is at most {NAME_MAX} characters; this one has {length:,}. Write a shorter name."


def check_department_name(name: str) -> str:
    """The name's `department_key`, or LekgotlaError when it has no letter or digit (an empty
    key would match every other such name)."""
    key = department_key(name)
    if not key:
        raise LekgotlaError(no_department_message(name), "Name the department")
    return key


# one address, name@domain.tld: what an identity provider gives. No commas, spaces, quotes or
# angle brackets, which a mail header would read as a second recipient or a display name.
# Letters of any script are allowed (an internationalised address).
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+")


def is_email(text: str) -> bool:
    """Whether `text` is one email address (name@organisation.example)."""
    return bool(_EMAIL.fullmatch(text))
