"""Figures as people read them (metrics.formats): a half rounds away from zero, as people and
spreadsheets round it, not to even as Python's format does; a change that rounds to nothing reads
as nothing."""

from __future__ import annotations

from metrics.formats import change_words, days, fixed, number, pct, pp_change, ratio


def test_a_half_rounds_away_from_zero() -> None:
    assert [days(44.5), days(-44.5), days(15.5), days(1.25)] == [
        "45 days", "-45 days", "16 days", "1.3 days"]
    assert [pct(0.0625), pct(0.99949), pct(0.99951)] == ["6.3%", "99.9%", "100.0%"]
    assert [ratio(1.005), number(12.25), number(1234.5)] == ["1.01", "12.3", "1 235"]
    assert fixed(-0.04, 1) == "0.0" and fixed(0.0, 0, sign=True) == "+0"  # never "-0"


def test_a_change_in_the_words_of_its_kind() -> None:
    assert [change_words("rate", 0.0625), change_words("percent", -1.25),
            change_words("days", 24.5), change_words("ratio", 0.0048),
            change_words("count", 2.5)] == ["+6.3 pp", "-1.3 pp", "+25 days", "+0.00", "+3"]
    assert pp_change(-0.0004) == "+0.0 pp"


def test_days_in_a_sentence_keep_their_tenths_so_the_difference_adds_up() -> None:
    # a tile shows 20 and 30 days; a sentence "from 20 days to 30 days (+9.3 days)" would not add up
    assert [days(20.4), days(29.7)] == ["20 days", "30 days"]
    assert [days(20.4, exact=True), days(29.7, exact=True), days(30.0, exact=True)] == [
        "20.4 days", "29.7 days", "30 days"]
    assert change_words("days", 29.7 - 20.4, exact=True) == "+9.3 days"
    assert change_words("days", 24.5, exact=True) == "+24.5 days"
