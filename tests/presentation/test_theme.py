"""Words shared by the dashboard and the review pack (presentation.theme)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest import db
from metrics import Filters, views
from presentation.theme import provisional


@pytest.mark.parametrize(("missing", "since", "rest"), [
    (["Operations"], [],
     "Not yet reported (due by 7 May 2025): Operations. The figures will change as their reports arrive"),
    (["Legal"], ["Legal"],
     "Not reported: Legal, which has reported later months. The figures will change if its "
     "report comes in late"),
    (["Legal", "Works"], ["Legal", "Works"],
     "Not reported: Legal, Works, which have reported later months. The figures will change if "
     "their reports come in late"),
    (["Legal", "Operations"], ["Legal"],
     "Not yet reported (due by 7 May 2025): Operations. Not reported either: Legal, which has reported later months. "
     "The figures will change as their reports arrive"),
])
def test_a_provisional_month_says_who_has_not_reported_and_why(
        missing: list[str], since: list[str], rest: str) -> None:
    reporting = {"month": "2025-04", "expected": 5, "missing": missing, "since": since,
                 "deadline": dt.date(2025, 5, 7),
                 "reported": [f"Department {n}" for n in range(5 - len(missing))]}
    head, said = provisional(reporting)
    assert head == f"Provisional: {5 - len(missing)} of 5 departments reported April 2025"
    assert said == rest + "; until then, changes compare the departments that reported both months"


def test_the_sample_april_is_provisional_for_a_department_that_reported_since(
        sample_db: Path) -> None:
    # Legal and Compliance sent no April report, and sent May's and June's (sample_data/README.md)
    con = db.connect(sample_db, read_only=True)
    try:
        april = views.period_reporting(con, Filters("2025-04"))
        june = views.period_reporting(con, Filters("2025-06"))
    finally:
        con.close()
    assert (april["missing"], april["since"], len(april["reported"])) == (
        ["Legal and Compliance"], ["Legal and Compliance"], 6)
    assert (june["missing"], june["since"]) == ([], [])
    # due on day 7 of the next month (the on_time_day setting's default), as the KPIs count it
    assert (april["deadline"], june["deadline"]) == (dt.date(2025, 5, 7), dt.date(2025, 7, 7))


def test_plain_text_for_an_email_keeps_its_words_and_makes_no_link() -> None:
    from presentation.markup import JOINER, unlinked

    said = "See https://evil.example, www.evil.example or boss@evil.example; Finance 2025-07: 4 actions"
    out = unlinked(said)
    assert out.replace(JOINER, "") == said  # every character as written
    assert out.count(JOINER) == 3  # after "https:", inside "www.", after "@"
    for link in ("https://", "www.", "@evil"):
        assert link not in out
    assert "2025-07: 4 actions" in out  # a colon before a space is no link


def test_a_like_for_like_change_says_which_departments_it_compares_and_leaves_out() -> None:
    from presentation.theme import compared_words

    row = {"compared_over": ["Finance", "Works"], "joined": ["Health"], "missing": ["Legal"],
           "month": "2025-03", "previous_month": "2025-02"}
    assert compared_words(row) == (
        "The change compares Finance and Works, which reported both February 2025 and March "
        "2025; left out of it: Health (no report for February 2025); Legal (no report for March "
        "2025).")
    assert compared_words({**row, "joined": [], "missing": []}) == (
        "The change compares Finance and Works, which reported both February 2025 and March 2025.")
    assert compared_words({**row, "compared_over": None}) == ""  # every department compares
