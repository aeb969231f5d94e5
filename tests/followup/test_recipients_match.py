"""Who a notice about a department goes to: its heads, their departments compared as every name
is (capitals, spaces and punctuation aside), and only departments the organisation has."""

from __future__ import annotations

import pytest

from followup.recipients import Person, heads_of
from ingest import db
from ingest.access import User
from ingest.errors import LekgotlaError
from ingest.users import get_user, save_user

ADMIN = User("admin@example.org", "admin")


def test_a_head_saved_with_other_capitals_is_still_its_departments_head() -> None:
    head = Person("ops@example.org", "Ops Head", "department_head", frozenset({"OPERATIONS "}))
    other = Person("fin@example.org", "Fin Head", "department_head", frozenset({"Finance"}))
    assert heads_of([head, other], "Operations") == [head]


def test_a_user_is_given_only_departments_the_organisation_has(sample_con: db.Connection) -> None:
    con = sample_con
    with pytest.raises(LekgotlaError, match="Nonexistent Dept is not a department of the "
                                            "organisation: choose among Finance, "):
        save_user(con, ADMIN, "x@example.org", "department_head", departments=("Nonexistent Dept",))
    save_user(con, ADMIN, "x@example.org", "department_head", departments=("OPERATIONS ",))
    user = get_user(con, "x@example.org")
    assert user is not None and user.departments == frozenset({"Operations"})  # as the register spells it
