"""Figures as people read them (metrics.formats): a half rounds away from zero, as people and
spreadsheets round it, not to even as Python's format does; a change that rounds to nothing reads
as nothing."""

from __future__ import annotations

from metrics.formats import days, fixed, number, pct, ratio, shown_change, shown_difference


def test_a_half_rounds_away_from_zero() -> None:
    assert [days(44.5), days(-44.5), days(15.5), days(1.25)] == [
        "45 days", "-45 days", "16 days", "1.3 days"]
    assert [pct(0.0625), pct(0.99949), pct(0.99951)] == ["6.3%", "99.9%", "100.0%"]
    assert [ratio(1.005), number(12.25), number(1234.5)] == ["1.01", "12.3", "1 235"]
    assert fixed(-0.04, 1) == "0.0" and fixed(0.0, 0, sign=True) == "+0"  # never "-0"


def test_a_change_in_the_words_of_its_kind_is_the_difference_of_the_figures_shown() -> None:
    # 45.5% to 63.6% reads +18.1 pp, though the exact change (0.18125) rounds to 18.1 as well;
    # 76.04% to 85.06% is shown 76.0% and 85.1%: +9.1 pp, where the exact 9.02 would read +9.0
    assert [shown_change("rate", 0.455, 0.63625), shown_change("rate", 0.7604, 0.8506),
            shown_change("percent", 41.25, 40.0), shown_change("days", 20.0, 44.5),
            shown_change("ratio", 1.0, 1.0048), shown_change("count", 3, 5)] == [
        "+18.1 pp", "+9.1 pp", "-1.3 pp", "+25 days", "+0.00", "+2"]
    # as a number, for a cell or a test of "no change": in points for a rate; 0 when alike
    assert [shown_difference("rate", 0.7604, 0.8506), shown_difference("rate", 0.6002, 0.5996),
            shown_difference("days", 20.4, 29.7), shown_difference("days", 20.4, 29.7, True)] == [
        9.1, 0.0, 10.0, 9.3]


def test_days_in_a_sentence_keep_their_tenths_so_the_difference_adds_up() -> None:
    # a tile shows 20 and 30 days; a sentence "from 20 days to 30 days (+9.3 days)" would not add up
    assert [days(20.4), days(29.7)] == ["20 days", "30 days"]
    assert [days(20.4, exact=True), days(29.7, exact=True), days(30.0, exact=True)] == [
        "20.4 days", "29.7 days", "30 days"]
    assert shown_change("days", 20.4, 29.7, exact=True) == "+9.3 days"
    assert shown_change("days", 0.0, 24.5, exact=True) == "+24.5 days"
