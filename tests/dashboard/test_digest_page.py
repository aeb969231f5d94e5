""""What changed since May 2025" on the Department page and the Overview (AppTest), on the hand-made
history of tests/support/digest_history.py (its docstring works every figure out by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import LAKE, Lakes
from dashboard_helpers import app, copy_db, texts
from digest_history import HOSTILE, build

from ingest import db
from presentation.markup import md


@pytest.fixture(scope="module")
def digest_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = Lakes.new() if LAKE else tmp_path_factory.mktemp("digest") / "digest.duckdb"
    con = build(db.connect(target))
    if not LAKE:
        con.execute("CHECKPOINT")
    con.close()
    return target  # type: ignore[return-value]


@pytest.fixture
def db_path(digest_db: Path, tmp_path: Path) -> Path:
    return copy_db(digest_db, tmp_path)


def digest_markdown(at) -> str:  # noqa: ANN001 - AppTest
    """The Markdown of the digest's list (the page's own bold kinds, report text escaped)."""
    return "\n".join(str(m.value) for m in at.markdown if str(m.value).startswith("- **"))


def test_department_page_says_what_changed_since_may(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "department",
             query={"period": "June 2025", "department": "Finance"})
    assert not at.exception, [e.value for e in at.exception]
    assert "What changed since May 2025" in [s.value for s in at.subheader]
    shown = texts(at)
    for sentence in (
        "The June 2025 report had 1 version rejected before one was accepted.",
        "F2 “Upgrade the general ledger”: due date moved from 10 Jun 2025 to 1 Jul 2025 "
        "(+21 days), reason code: Supplier delay. *from Finance_2025-06.xlsx, Status report row 6*",
        "Budget utilisation rose from 69.0% to 81.0% (+12.0 pp).",
        "F1 “Roll out the new procurement system” was completed on 20 Jun 2025, on time.",
        "The June 2025 report came in on time (3 Jul 2025).",
        # report text reads as written, nothing of it as markup
        f"F3 “{HOSTILE}” is now overdue: due 20 Jun 2025, 10 days past it",
    ):
        assert sentence in shown, sentence
    source = digest_markdown(at)
    assert "<script>" not in source and "**bold**" not in source and "](https" not in source
    assert "Health" not in source  # only Finance's changes


def test_overview_has_the_organisations_digest_and_the_rest_in_an_expander(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, query={"period": "June 2025"})
    assert not at.exception, [e.value for e in at.exception]
    assert "What changed since May 2025" in [s.value for s in at.subheader]
    shown = texts(at)
    assert ("Works: the June 2025 report has not come in (it was due by 7 Jul 2025)."
            in shown)  # the first change: the missing report
    assert "Health: the June 2025 report came in 5 days late (12 Jul 2025; due by 7 Jul 2025)." \
        in shown
    # 23 sentences: 3 reports wrong, 1 overdue, 2 at risk, 2 moves, 6 KPIs, 1 completed, 5 new
    # and "2 more", 1 cancelled, 1 on time; 8 shown, 15 in the expander
    (rest,) = [e for e in at.expander if e.label == "The other 15 changes"]
    assert "And 2 more new actions: H-N5, H-N6." in " ".join(
        str(m.value) for m in rest.markdown).replace("\\", "")


def test_an_objective_filter_says_it_does_not_narrow_the_changes(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, query={"period": "June 2025", "obj": ["SO1"]})
    assert not at.exception, [e.value for e in at.exception]
    assert ("Every objective and status: the objective and status filters do not narrow these "
            "changes.") in texts(at)


def test_a_department_without_a_report_says_its_report_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/support/digest_quarter.py: Operations missed January 2026 (due on the 7th of the
    # month after); no filter is set, so its report is what is missing, not the filters' doing
    from digest_quarter import build_file

    at = app(build_file(tmp_path), monkeypatch, "department",
             query={"period": "January 2026", "department": "Operations"})
    assert not at.exception, [e.value for e in at.exception]
    [info] = [i.value for i in at.info]  # written through md(): escaped as report text
    assert info == md("Operations' report for January 2026 has not come in (it was due by "
                      "7 Feb 2026).") + " See Submissions, or choose another period."
    # and the digest, compared with its December report: the report missing first (then its
    # submission rate, 100% in December, 0% now)
    assert "What changed since December 2025" in [s.value for s in at.subheader]
    assert digest_markdown(at).splitlines()[0] == "- **Report missing** · " + md(
        "The January 2026 report has not come in (it was due by 7 Feb 2026).")


def test_a_department_without_actions_for_the_filters_says_so(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Works missed June 2025, but an objective filter is set: the filters may be why
    at = app(db_path, monkeypatch, "department",
             query={"period": "June 2025", "department": "Works", "obj": ["SO1"]})
    assert not at.exception, [e.value for e in at.exception]
    assert [i.value for i in at.info] == [
        "Works has no actions for June 2025 with these filters. Clear the objective filter, or "
        "choose another period."]
