"""Cell-value parsers of ingest.values (SPEC §2.2–2.3)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from ingest.values import (
    QUALITY,
    REASON_CODES,
    RISK_LEVELS,
    STATUSES,
    ParseError,
    Period,
    is_blank,
    parse_date,
    parse_direction,
    parse_due,
    parse_money,
    parse_number,
    parse_percent_column,
    parse_period,
    parse_quality,
    parse_quarter,
    parse_reason_code,
    parse_risk_level,
    parse_status,
    parse_text,
)
from ingest.words import plural, possessive

D = dt.date
FEB = Period(2025, 2)
NAN = float("nan")


# ---- blanks and text ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "\xa0", "\u202f ", "\ufeff", NAN])
def test_is_blank_true(value: object) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, False, "x", " 0 ", D(2025, 1, 1), dt.time(0)])
def test_is_blank_false(value: object) -> None:
    assert not is_blank(value)


def test_is_blank_pandas_missing() -> None:
    pd = pytest.importorskip("pandas")
    assert is_blank(pd.NaT) and is_blank(pd.NA)
    assert parse_date(pd.NaT) is None and parse_text(pd.NaT) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("", None), ("  ", None), (NAN, None),
        ("  Fix roads ", "Fix roads"), ("\xa0A1\xa0", "A1"),
        (3, "3"), (3.0, "3"), (1.1, "1.1"), (-2.0, "-2"), (0.1 + 0.2, "0.3"), (12.25, "12.25"),
        ("1.1", "1.1"), ("3", "3"), (True, "TRUE"), (False, "FALSE"),
        (dt.datetime(2025, 2, 28), "2025-02-28"), (dt.datetime(2025, 2, 28, 9, 30), "2025-02-28 09:30"),
        (D(2025, 2, 28), "2025-02-28"), (dt.time(9, 30), "09:30"), (dt.time(9, 30, 15), "09:30:15"),
    ],
)
def test_parse_text(value: object, expected: str | None) -> None:
    assert parse_text(value) == expected


# ---- enumerations ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [(s, s) for s in STATUSES]
    + [
        ("not started", "Not started"), ("Not Started ", "Not started"), ("not_started", "Not started"),
        ("NOT-STARTED", "Not started"), ("  in   progress ", "In progress"), ("in-progress", "In progress"),
        ("On track", "In progress"), ("on-track", "In progress"), ("Ongoing", "In progress"),
        ("started", "In progress"), ("AT RISK", "At risk"), ("at_risk", "At risk"),
        ("Behind", "Delayed"), ("behind schedule", "Delayed"), ("Late", "Delayed"),
        ("paused", "On hold"), ("on-hold", "On hold"), ("complete", "Completed"), ("Done", "Completed"),
        ("finished", "Completed"), ("Canceled", "Cancelled"), ("dropped", "Cancelled"),
        ("CANCELLED", "Cancelled"), (None, None), ("", None), ("   ", None),
    ],
)
def test_parse_status(value: object, expected: str | None) -> None:
    assert parse_status(value) == expected


def test_parse_status_error_message() -> None:
    with pytest.raises(ParseError) as e:
        parse_status("Doing it")
    assert str(e.value) == (
        "'Doing it' is not a status: use Not started, In progress, At risk, Delayed, On hold, "
        "Completed or Cancelled."
    )


@pytest.mark.parametrize("value", ["Green", "in progres", "50%", 3, True, "-", D(2025, 1, 1)])
def test_parse_status_rejects(value: object) -> None:
    with pytest.raises(ParseError, match="is not a status"):
        parse_status(value)


def test_parse_status_error_is_value_error_and_clips_long_text() -> None:
    with pytest.raises(ValueError) as e:
        parse_status("x" * 200)
    assert len(str(e.value)) < 200 and "..." in str(e.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(q, q) for q in QUALITY]
    + [
        ("yes", "Meets"), ("Y", "Meets"), ("meets standard", "Meets"), ("MEETS", "Meets"),
        (True, "Meets"), ("partial", "Partially meets"), ("partially", "Partially meets"),
        ("Partially-meets", "Partially meets"), ("no", "Does not meet"), ("not met", "Does not meet"),
        ("does not meet", "Does not meet"), ("doesn't meet", "Does not meet"),
        (False, "Does not meet"), (None, None), (" ", None),
    ],
)
def test_parse_quality(value: object, expected: str | None) -> None:
    assert parse_quality(value) == expected


def test_parse_quality_error() -> None:
    with pytest.raises(ParseError) as e:
        parse_quality("maybe")
    assert str(e.value) == (
        "'maybe' is not a quality review: use Meets, Partially meets or Does not meet."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("increase", "increase"), ("Increase", "increase"), ("UP", "increase"),
        ("higher is better", "increase"), ("Higher-is-better", "increase"), ("+", "increase"),
        ("decrease", "decrease"), ("down", "decrease"), ("Lower is better", "decrease"),
        ("-", "decrease"), (" - ", "decrease"), ("decreasing", "decrease"),
        (None, None), ("", None),
    ],
)
def test_parse_direction(value: object, expected: str | None) -> None:
    assert parse_direction(value) == expected


@pytest.mark.parametrize("value", ["sideways", "++", 1])
def test_parse_direction_rejects(value: object) -> None:
    with pytest.raises(ParseError, match=r"is not a direction: use increase \(higher is better\)"):
        parse_direction(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(r, r) for r in RISK_LEVELS]
    + [
        ("low", "Low"), ("L", "Low"), ("m", "Medium"), ("Med", "Medium"), ("med.", "Medium"),
        ("moderate", "Medium"), ("H", "High"), ("HIGH ", "High"), (None, None),
    ],
)
def test_parse_risk_level(value: object, expected: str | None) -> None:
    assert parse_risk_level(value) == expected


def test_parse_risk_level_error() -> None:
    with pytest.raises(ParseError) as e:
        parse_risk_level("Extreme")
    assert str(e.value) == "'Extreme' is not a risk level: use Low, Medium or High."


@pytest.mark.parametrize(
    ("value", "expected"),
    [(r, r) for r in REASON_CODES]
    + [
        ("not begun", "Not begun"), ("NOT_BEGUN", "Not begun"),
        ("Too early to measure.", "Too early to measure"), ("too-early-to-measure", "Too early to measure"),
        ("blocked by resources", "Blocked by resources"), ("Blocked - by resources", "Blocked by resources"),
        ("blocked by dependency", "Blocked by dependency"), ("scope  changed", "Scope changed"),
        ("other", "Other"), ("postponed!", "Postponed"), (None, None), ("", None),
    ],
)
def test_parse_reason_code(value: object, expected: str | None) -> None:
    assert parse_reason_code(value) == expected


def test_parse_reason_code_error() -> None:
    with pytest.raises(ParseError) as e:
        parse_reason_code("weather")
    assert str(e.value) == (
        "'weather' is not a reason code: use Not begun, Too early to measure, Postponed, "
        "Blocked by resources, Blocked by dependency, Scope changed or Other."
    )


# ---- money and numbers -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("", None), ("  ", None), (NAN, None),
        (0, 0.0), (12500, 12500.0), (12500.5, 12500.5), ("0", 0.0), ("-0", 0.0),
        ("R 12 500", 12500.0), ("R12,500.00", 12500.0), ("ZAR 1,200", 1200.0), ("$3,000", 3000.0),
        ("£33.73", 33.73), ("€1.200,50", 1200.5), ("R\xa012\xa0500", 12500.0),
        ("12\u202f500", 12500.0), ("r 12 500,00", 12500.0), ("12 500 ZAR", 12500.0),
        ("1,200,000", 1200000.0), ("1.200.000", 1200000.0), ("1'000", 1000.0),
        ("12,5", 12.5), ("12,50", 12.5), ("0,500", 0.5), ("1.200", 1.2), ("1,200", 1200.0),
        ("US$ 100", 100.0), ("USD 100", 100.0), ("100 rand", 100.0), ("+5", 5.0), (".5", 0.5),
        ("R1.5m", 1500000.0), ("R 2 bn", 2e9), ("250k", 250000.0), ("R 3 million", 3e6),
        # the symbol after the amount, as docs/report-format.md says
        ("100 €", 100.0), ("1 000 R", 1000.0), ("50 $", 50.0), ("12 500 US$", 12500.0),
        ("3 k€", 3000.0), ("7£", 7.0), (1e15, 1e15),
    ],
)
def test_parse_money(value: object, expected: float | None) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", ["-5", "(5)", "R -5", "-R5", "R-5", "5-", -5, -0.01, "(R 1,200)"])
def test_parse_money_negative(value: object) -> None:
    with pytest.raises(ParseError, match="^Money cannot be negative"):
        parse_money(value)


@pytest.mark.parametrize("value", [1.7e308, 1e15 + 1, "R 1 000 000 000 000 001", "2000000 bn"])
def test_parse_money_refuses_amounts_that_would_overflow_the_totals(value: object) -> None:
    with pytest.raises(ParseError) as e:
        parse_money(value)
    assert str(e.value).endswith("is too large for an amount of money (at most "
                                 "1 000 000 000 000 000): check the amount.")


def test_parse_money_negative_message() -> None:
    with pytest.raises(ParseError) as e:
        parse_money("R -5")
    assert str(e.value) == (
        "Money cannot be negative ('R -5'): write the amount without a minus sign or brackets, "
        "e.g. R 12 500."
    )


@pytest.mark.parametrize(
    "value",
    ["abc", "R", "12 5", "1,200,50", "45%", "R 5 ZAR", "$5 $", "€ 5 R", "--5", "5 apples", "1.2.3,4,5",
     True, D(2025, 1, 1), float("inf"), "(5", "N/A"],
)
def test_parse_money_rejects(value: object) -> None:
    with pytest.raises(ParseError, match="is not an amount of money: write a number such as"):
        parse_money(value)


def test_parse_money_abc_message() -> None:
    with pytest.raises(ParseError) as e:
        parse_money("abc")
    assert str(e.value) == "'abc' is not an amount of money: write a number such as 12500 or R 12 500."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("", None), (NAN, None), (3, 3.0), (-2.5, -2.5), ("1,200", 1200.0),
        ("12,5", 12.5), ("-3", -3.0), ("(4)", -4.0), ("45%", 45.0), ("R 500", 500.0),
        ("12 500", 12500.0), ("0.75", 0.75), ("1 200,5", 1200.5),
    ],
)
def test_parse_number(value: object, expected: float | None) -> None:
    assert parse_number(value) == expected


@pytest.mark.parametrize("value", ["many", "5m", "20 days", True, dt.datetime(2025, 1, 1)])
def test_parse_number_rejects(value: object) -> None:
    with pytest.raises(ParseError, match="is not a number: write just the number"):
        parse_number(value)


# ---- percent columns ---------------------------------------------------------------------

def test_percent_fraction_column() -> None:
    assert parse_percent_column([0.45, 0.5, None]) == ([45.0, 50.0, None], [], True)


def test_percent_out_of_range() -> None:
    values, errors, fractional = parse_percent_column([45, "60%", 110])
    assert values == [45.0, 60.0, None]
    assert errors == [(2, "'110' is not a percentage between 0 and 100: write e.g. 45 or 45%.")]
    assert fractional is False


@pytest.mark.parametrize(
    ("column", "expected", "fractional"),
    [
        (["45", "45%", 45, "45 %", "45 percent"], [45.0] * 5, False),
        ([0.57, "0.3", 1], [57.0, 30.0, 100.0], True),
        ([0, 1, 1.0], [0.0, 100.0, 100.0], True),  # SPEC: every value <= 1 -> fractions
        ([0, 0.0], [0.0, 0.0], False),  # all zero: nothing to scale, no warning
        ([0.5, "45%"], [50.0, 45.0], True),  # a value with % is always a percentage
        (["0.5%", 0.5], [0.5, 50.0], True),
        ([0.5, 20], [0.5, 20.0], False),  # one value above 1: the column is percentages
        ([None, "", "  "], [None, None, None], False),
        ([], [], False),
        (["100%", 100, 0], [100.0, 100.0, 0.0], False),
        (["12,5"], [12.5], False),
    ],
)
def test_percent_columns(column: list[object], expected: list[float | None], fractional: bool) -> None:
    assert parse_percent_column(column) == (expected, [], fractional)


def test_percent_errors_keep_other_values() -> None:
    values, errors, fractional = parse_percent_column(["abc", 0.2, -0.1, "R 5", "101%", 0.3])
    assert values == [None, 20.0, None, None, None, 30.0]
    assert fractional is True
    assert [i for i, _ in errors] == [0, 2, 3, 4]
    assert errors[0][1] == "'abc' is not a percentage: write a number from 0 to 100, such as 45 or 45%."
    assert "'-0.1' is not a percentage between 0 and 100" in errors[1][1]
    assert "'101%' is not a percentage between 0 and 100" in errors[3][1]


# ---- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("", None), (" ", None), (NAN, None),
        (dt.datetime(2025, 2, 28, 13, 5), D(2025, 2, 28)), (D(2025, 2, 28), D(2025, 2, 28)),
        (45716, D(2025, 2, 28)), (45716.0, D(2025, 2, 28)), (45716.75, D(2025, 2, 28)),
        ("45716", D(2025, 2, 28)), (1, D(1900, 1, 1)), (59, D(1900, 2, 28)), (61, D(1900, 3, 1)),
        (2958465, D(9999, 12, 31)),
        ("2025-02-28", D(2025, 2, 28)), ("2025-02-28 00:00:00", D(2025, 2, 28)),
        ("2025-02-28T00:00:00", D(2025, 2, 28)), ("2025-02-28T10:15:00Z", D(2025, 2, 28)),
        ("2025/2/8", D(2025, 2, 8)), ("20250228", D(2025, 2, 28)),
        ("28/02/2025", D(2025, 2, 28)), ("28-02-2025", D(2025, 2, 28)), ("28.02.2025", D(2025, 2, 28)),
        ("5/2/2025", D(2025, 2, 5)), ("28/02/25", D(2025, 2, 28)), ("01/01/99", D(1999, 1, 1)),
        ("28 Feb 2025", D(2025, 2, 28)), ("28 February 2025", D(2025, 2, 28)), ("28-Feb-25", D(2025, 2, 28)),
        ("28 Sept 2025", D(2025, 9, 28)), ("28th February 2025", D(2025, 2, 28)),
        ("Friday, 28 February 2025", D(2025, 2, 28)), ("Feb 28, 2025", D(2025, 2, 28)),
        ("February 28 2025", D(2025, 2, 28)), ("  28/02/2025  ", D(2025, 2, 28)),
        ("5/02/2016 9:30 AM", D(2016, 2, 5)), ("28/02/2025 14:00", D(2025, 2, 28)),
        ("29/02/2024", D(2024, 2, 29)),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("12/31/2021 12:00:00 AM", "MDY", D(2021, 12, 31)),
        ("02/28/2025", "MDY", D(2025, 2, 28)),
        ("2/5/2025", "MDY", D(2025, 2, 5)),
        ("2/5/2025", "DMY", D(2025, 5, 2)),
        ("28 Feb 2025", "MDY", D(2025, 2, 28)),
        ("2025-02-28", "MDY", D(2025, 2, 28)),
        ("25/02/28", "YMD", D(2025, 2, 28)),
        ("2025/02/28", "YMD", D(2025, 2, 28)),
        ("28/02/2025", "YMD", D(2025, 2, 28)),  # a four-digit last part is the year
        ("12/31/2021", "mdy", D(2021, 12, 31)),
    ],
)
def test_parse_date_orders(value: str, order: str, expected: dt.date) -> None:
    assert parse_date(value, order) == expected


def test_parse_date_bad_order_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="date_order must be DMY, MDY or YMD") as e:
        parse_date("28/02/2025", "DDMMYY")
    assert not isinstance(e.value, ParseError)


@pytest.mark.parametrize(
    ("value", "order", "message"),
    [
        ("31/02/2025", "DMY", "31/02/2025 is not a real date (February 2025 has 28 days)."),
        ("29/02/2023", "DMY", "29/02/2023 is not a real date (February 2023 has 28 days)."),
        ("31/04/2025", "DMY", "31/04/2025 is not a real date (April 2025 has 30 days)."),
        ("2025-02-30", "DMY", "2025-02-30 is not a real date (February 2025 has 28 days)."),
        ("13/13/2025", "DMY", "13/13/2025 is not a real date (there is no month 13)."),
        ("12/31/2021", "DMY", "12/31/2021 is not a real date (there is no month 31)."),
        ("00/01/2025", "DMY", "00/01/2025 is not a real date (there is no day 0)."),
        ("31 Feb 2025", "DMY", "31 Feb 2025 is not a real date (February 2025 has 28 days)."),
        ("soon", "DMY", "'soon' is not a date: write it as 28/02/2025."),
        ("soon", "MDY", "'soon' is not a date: write it as 02/28/2025."),
        ("soon", "YMD", "'soon' is not a date: write it as 2025-02-28."),
        ("28 Febtober 2025", "DMY", "'28 Febtober 2025' is not a date: write it as 28/02/2025."),
        ("28/02/2025 later", "DMY", "'28/02/2025 later' is not a date: write it as 28/02/2025."),
        ("2025", "DMY", "'2025' is a year, not a date: write it as 28/02/2025."),
    ],
)
def test_parse_date_errors(value: str, order: str, message: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_date(value, order)
    assert str(e.value) == message


@pytest.mark.parametrize("value", [0, -1, 2958466, 1e12, True, dt.time(9, 30), float("inf"), 2025, 60])
def test_parse_date_rejects_numbers_that_are_not_dates(value: object) -> None:
    with pytest.raises(ParseError):
        parse_date(value)


def test_excel_fake_leap_day() -> None:
    with pytest.raises(ParseError, match="29 February 1900"):
        parse_date(60)


# ---- periods and quarters ----------------------------------------------------------------

def test_period_properties() -> None:
    p = Period(2025, 2)
    assert (p.key, str(p), p.label, p.quarter) == ("2025-02", "2025-02", "February 2025", 1)
    assert (p.start, p.end) == (D(2025, 2, 1), D(2025, 2, 28))
    assert Period(2024, 2).end == D(2024, 2, 29)
    assert Period(2025, 12).end == D(2025, 12, 31)


def test_period_navigation_and_order() -> None:
    assert Period(2025, 1).previous() == Period(2024, 12)
    assert Period(2024, 12).next() == Period(2025, 1)
    assert Period(2025, 2).shift(-14) == Period(2023, 12)
    assert Period(2024, 12) < Period(2025, 1) < Period(2025, 2)
    assert sorted([Period(2025, 3), Period(2024, 11), Period(2025, 1)])[0] == Period(2024, 11)
    assert Period.of(D(2025, 2, 17)) == FEB
    assert len({Period(2025, 2), Period(2025, 2)}) == 1


def test_period_is_frozen_and_checked() -> None:
    with pytest.raises(AttributeError):
        FEB.year = 2026  # type: ignore[misc]
    with pytest.raises(ParseError, match="2025-13 is not a real month"):
        Period(2025, 13)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02", FEB), ("February 2025", FEB), ("Feb 2025", FEB), ("02/2025", FEB),
        ("2/2025", FEB), ("2025/02", FEB), ("feb-2025", FEB), ("FEBRUARY, 2025", FEB),
        ("2025-02-28", FEB), ("28/02/2025", FEB), (" 2025-02 ", FEB),
        (dt.datetime(2025, 2, 1), FEB), (D(2025, 2, 14), FEB), (45716, FEB),
        (None, None), ("", None), (NAN, None),
    ],
)
def test_parse_period(value: object, expected: Period | None) -> None:
    assert parse_period(value) == expected


@pytest.mark.parametrize("value", ["2025-13", "Febtember 2025", "Q1 2025", "2025", 2025, "soon", True])
def test_parse_period_rejects(value: object) -> None:
    with pytest.raises(ParseError) as e:
        parse_period(value)
    assert str(e.value).endswith(
        "is not a reporting period: write it as 2025-02, February 2025, Feb 2025 or 02/2025."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-Q1", (2025, 1)), ("2025-q4", (2025, 4)), ("2025 Q2", (2025, 2)), ("Q3 2024", (2024, 3)),
     ("2025-02", None), ("February 2025", None), ("", None)],
)
def test_parse_quarter(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_quarter(text) == expected


def test_parse_quarter_rejects_quarter_5() -> None:
    with pytest.raises(ParseError, match="use Q1, Q2, Q3 or Q4"):
        parse_quarter("2025-Q5")


# ---- due dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Week 2 and Week 4 (February)", D(2025, 2, 28)),
        ("Week 2 & 4 (February)", D(2025, 2, 28)),
        ("Week 1 (February)", D(2025, 2, 7)),
        ("Week 2 (Feb)", D(2025, 2, 14)),
        ("week 3 (march)", D(2025, 3, 21)),
        ("Week 4 (February)", D(2025, 2, 28)),
        ("Week 5 (February)", D(2025, 2, 28)),
        ("Week 5 (March)", D(2025, 3, 31)),
        ("Weeks 2-4 (Feb)", D(2025, 2, 28)),
        ("Week 1 and 2 (April)", D(2025, 4, 14)),
        ("Week 3 of March", D(2025, 3, 21)),
        ("Week 2 (February 2026)", D(2026, 2, 14)),
        ("End of March", D(2025, 3, 31)),
        ("End March", D(2025, 3, 31)),
        ("end-of-april", D(2025, 4, 30)),
        ("By end of June", D(2025, 6, 30)),
        ("March end", D(2025, 3, 31)),
        ("March 2025", D(2025, 3, 31)),
        ("March 2026", D(2026, 3, 31)),
        ("March", D(2025, 3, 31)),
        ("Dec", D(2025, 12, 31)),
        ("End of February 2024", D(2024, 2, 29)),
        ("End of month", D(2025, 2, 28)),
        ("End of Q1", D(2025, 3, 31)),
        ("Q1", D(2025, 3, 31)),
        ("Q2", D(2025, 6, 30)),
        ("Q1 2025", D(2025, 3, 31)),
        ("End of Q2 2025", D(2025, 6, 30)),
        ("End of Q4 2026", D(2026, 12, 31)),
        ("2025-Q3", D(2025, 9, 30)),
        ("End of quarter", D(2025, 3, 31)),
        ("28/02/2025", D(2025, 2, 28)),
        ("2025-03-15", D(2025, 3, 15)),
        ("15 Mar 2025", D(2025, 3, 15)),
        (45716, D(2025, 2, 28)),
        (dt.datetime(2025, 3, 1), D(2025, 3, 1)),
    ],
)
def test_parse_due_dates(value: object, expected: dt.date) -> None:
    assert parse_due(value, FEB) == (expected, False)


def test_parse_due_uses_the_periods_year() -> None:
    assert parse_due("Week 2 (February)", Period(2024, 11)) == (D(2024, 2, 14), False)
    assert parse_due("Week 5 (February)", Period(2024, 2)) == (D(2024, 2, 29), False)
    assert parse_due("End of Q1", Period(2026, 1)) == (D(2026, 3, 31), False)
    assert parse_due("End of month", Period(2025, 4)) == (D(2025, 4, 30), False)


@pytest.mark.parametrize(
    "value",
    ["Ongoing", "ongoing", "On-going", "ON GOING", "TBC", "tbc.", "TBD", "To be confirmed",
     "to be determined"],
)
def test_parse_due_open_ended(value: str) -> None:
    assert parse_due(value, FEB) == (None, True)


@pytest.mark.parametrize("value", [None, "", "   ", NAN])
def test_parse_due_blank(value: object) -> None:
    assert parse_due(value, FEB) == (None, False)


def test_parse_due_month_first() -> None:
    assert parse_due("12/31/2021 12:00:00 AM", FEB, "MDY") == (D(2021, 12, 31), False)
    assert parse_due("03/04/2025", FEB, "MDY") == (D(2025, 3, 4), False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "'soon' is not a due date: write a date such as 28/02/2025, or Week 2 (February), "
                 "End of March, Q1 2025, Ongoing or TBC."),
        ("31/02/2025", "31/02/2025 is not a real date (February 2025 has 28 days)."),
        ("Week 2", "'Week 2' needs a month: write it as Week 2 (February)."),
        ("Week 0 (February)", "'Week 0 (February)' is not a due date: weeks count from 1, "
                              "e.g. Week 2 (February)."),
        ("2025", "'2025' is a year, not a date: write it as 28/02/2025."),
    ],
)
def test_parse_due_errors(value: str, message: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_due(value, FEB)
    assert str(e.value) == message


@pytest.mark.parametrize(
    "value", ["Week 2 (Febtember)", "End of Q5", "N/A", "Continuous", "Next year", "Mid March", True]
)
def test_parse_due_rejects(value: Any) -> None:
    with pytest.raises(ParseError, match="is not a (due )?date"):
        parse_due(value, FEB)


def test_parse_due_error_for_month_first_names_its_example() -> None:
    with pytest.raises(ParseError, match="such as 02/28/2025"):
        parse_due("whenever", FEB, "MDY")


# ---- speed -------------------------------------------------------------------------------

def test_parsers_are_cheap_for_many_rows() -> None:
    import time

    start = time.perf_counter()
    for i in range(20_000):
        parse_status("In progress" if i % 2 else "done")
        parse_money(f"R {i % 500} 000")
        parse_date(f"{i % 28 + 1}/02/2025")
        parse_due("Week 2 (February)" if i % 3 else 45716, FEB)
        parse_text(float(i))
    assert time.perf_counter() - start < 2.0
    assert math.isfinite(parse_money("R 1 000") or 0.0)


def test_possessive_of_a_name() -> None:
    assert [possessive(n) for n in ("Finance", "Operations", "Human Resources", "IT")] == [
        "Finance's", "Operations'", "Human Resources'", "IT's"]


@pytest.mark.parametrize(("n", "word", "said"), [
    (1, "dependency", "1 dependency"), (2, "dependency", "2 dependencies"),
    (3, "entry", "3 entries"), (2, "day", "2 days"), (2, "key", "2 keys"),
    (2, "row with errors", "2 rows with errors"), (1200, "action", "1,200 actions")])
def test_plural(n: int, word: str, said: str) -> None:
    # "2 dependencys" read on the Dependencies page
    assert plural(n, word) == said
