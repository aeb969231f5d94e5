"""The dependency forecast over a long chain and a cycle (issue 16; docs/kpis.md "Dependencies"), on
one Works report for March 2025 (period_end 2025-03-31) loaded through ingest.

Every action is Not started, from 2025-04-01, due 2025-04-11: no forecast from progress, so its
expected finish is max(due 04-11, month end 03-31) = 04-11 and its remaining days (04-11 − 04-01)
× 100% = 10.
- The chain C01 → C02 → … → C60 (C02 depends on C01, and so on): C01 waits on nothing, finish
  04-11; each next one finishes 10 days after the one before, so C_k's finish is 04-11 + 10 × (k −
  1): C60's 04-11 + 590 days = 2026-11-22, slip 590 days. (Walking at most 50 actions up the
  chain, as a capped path walk did, gives C11's 04-11 + 490 = 2026-08-14.)
- The cycle Y1 → Y2 → Y3 → Y1 (Y2 depends on Y1, Y3 on Y2, Y1 on Y3), which the cycle's links leave
  out of the forecasts: Y1 also depends on C01 (not on the cycle): max(04-11, 04-11 + 10) = 04-21,
  slip 10. Y2 and Y3 wait only through the cycle: their own 04-11, slip 0. Y4 depends on Y3 (not on
  the cycle): 04-11 + 10 = 04-21, slip 10. Blocked: Y2 (Y1 finishes 04-21, after Y2's due 04-11);
  not Y3 (Y2's 04-11 is not after 04-11), nor Y1, nor Y4 (Y3's 04-11).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from dependency_history import HEADER, _row, register_xlsx
from testdata import report

from ingest import db
from ingest.load import load_file
from ingest.register import load_register
from metrics.actions import action_figures
from metrics.dependencies import action_dependencies
from metrics.filters import Filters

MARCH = Filters("2025-03")
START, DUE = date(2025, 4, 1), date(2025, 4, 11)


def _action(aid: str, depends: str | None = None) -> list[object]:
    return _row(aid, f"Lay road section {aid} to the clinic", None, None, START, DUE, "Not started", 0,
                depends=depends)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> db.Connection:
    con = db.connect(str(tmp_path_factory.mktemp("network") / "network.duckdb"))
    load_register(con, register_xlsx(), "register.xlsx")
    rows = [_action("C01")] + [_action(f"C{k:02d}", f"C{k - 1:02d}") for k in range(2, 61)]
    rows += [_action("Y1", "Y3; C01"), _action("Y2", "Y1"), _action("Y3", "Y2"), _action("Y4", "Y3")]
    outcomes = load_file(con, report(rows, "Works", "March 2025", HEADER), "Works_2025-03.xlsx")
    assert [o.status for o in outcomes] == ["accepted"], [o.message for o in outcomes]
    return con


def _figures(con: db.Connection) -> dict[str, tuple[date | None, int | None, bool]]:
    rows = action_figures(con, MARCH)
    return {r.action_id: (None if pd.isna(r.dependency_forecast) else pd.Timestamp(r.dependency_forecast).date(),
                          None if pd.isna(r.slip_from_dependencies) else int(r.slip_from_dependencies),
                          bool(r.blocked))
            for r in rows.itertuples()}


def test_a_chain_longer_than_fifty_actions(con: db.Connection) -> None:
    got = _figures(con)
    assert got["C01"] == (None, None, False)  # waits on nothing
    assert got["C02"] == (date(2025, 4, 21), 10, False)  # C01's 04-11 is not after its due 04-11
    assert got["C03"] == (date(2025, 5, 1), 20, True)  # C02's 04-21 is
    assert got["C60"] == (date(2026, 11, 22), 590, True)  # 04-11 + 10 × 59


def test_a_cycle_is_left_out_of_the_forecasts(con: db.Connection) -> None:
    got = _figures(con)
    assert got["Y1"] == (date(2025, 4, 21), 10, False)  # through C01 only
    assert got["Y2"] == (date(2025, 4, 11), 0, True)  # Y1's 04-21 is after its due 04-11
    assert got["Y3"] == (date(2025, 4, 11), 0, False)
    assert got["Y4"] == (date(2025, 4, 21), 10, False)
    links = action_dependencies(con, MARCH).set_index(["action_id", "pred_action_id"])
    # a link on the cycle moves nothing; the others as every link
    assert {k: int(links.at[k, "days_late"]) for k in [("Y1", "Y3"), ("Y2", "Y1"), ("Y3", "Y2"),
                                                       ("Y1", "C01"), ("Y4", "Y3")]} == {
        ("Y1", "Y3"): 0, ("Y2", "Y1"): 0, ("Y3", "Y2"): 0, ("Y1", "C01"): 10, ("Y4", "Y3"): 10}


def test_a_cancelled_predecessor_is_not_waited_on(tmp_path_factory: pytest.TempPathFactory) -> None:
    # K2 depends on K1, which is Cancelled: it will never be done, so nothing waits on it.
    # K2's forecast is its own expected finish (04-11; K1 has none), slip 0, not blocked
    con = db.connect(str(tmp_path_factory.mktemp("cancelled") / "cancelled.duckdb"))
    load_register(con, register_xlsx(), "register.xlsx")
    rows = [_row("K1", "Survey the clinic road route", None, None, START, DUE, "Cancelled", 0),
            _action("K2", "K1")]
    [outcome] = load_file(con, report(rows, "Works", "March 2025", HEADER), "Works_2025-03.xlsx")
    assert outcome.status == "accepted", outcome.message
    assert _figures(con)["K2"] == (date(2025, 4, 11), 0, False)
    assert action_figures(con, MARCH).set_index("action_id").at["K2", "waiting_on"] is None
    link = action_dependencies(con, MARCH).set_index(["action_id", "pred_action_id"]).loc[("K2", "K1")]
    assert not link["waiting"] and not link["late"]
    con.close()
