"""Promises about the project itself: layering, documented settings, sample data that loads cleanly."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

from testdata import ROOT, SAMPLE

from ingest import db
from ingest.load import options_for
from ingest.parse import parse_file
from ingest.register import load_register


def test_ingest_metrics_and_presentation_never_import_streamlit() -> None:
    code = "import sys, ingest.cli, ingest.load, ingest.template, ingest.annotate, metrics, " \
           "presentation; import pkgutil, importlib; [importlib.import_module(p.__name__ + '.' + " \
           "m.name) for p in (metrics, presentation) for m in pkgutil.iter_modules(p.__path__) " \
           "if m.name != '__main__']; " \
           "print(json.dumps(sorted(m for m in sys.modules if m.startswith('streamlit'))))"
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_every_sample_report_is_valid(con: db.Connection) -> None:
    load_register(con, (SAMPLE / "strategy_register.xlsx").read_bytes(), "strategy_register.xlsx")
    opts = options_for(con)
    files = sorted((SAMPLE / "reports").iterdir())
    assert len(files) == 41  # 7 departments x 6 months, less Legal and Compliance's missing April
    for path in files:
        parsed = parse_file(path.read_bytes(), path.name, opts)
        assert parsed.errors == [], (path.name, [p.describe() for p in parsed.errors])
        assert len(parsed.departments) == 1


def test_migrations_are_numbered_without_gaps() -> None:
    numbers = [n for n, _name, _sql in db.migrations()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_dashboard_table_shows_a_dash_for_an_empty_cell() -> None:
    # Streamlit's own placeholder is a greyed "None", which reads as a value ("Delivered: None")
    missing = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "dataframe"
                    and not any(k.arg == "placeholder" for k in node.keywords)):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


def test_no_sql_uses_the_arrow_lambda() -> None:
    # DuckDB 2.x refuses `x -> …` ("Deprecated lambda arrow"); `lambda x: …` reads on 1.4 and 2.x
    arrow = re.compile(r"\b\w+\s*->\s")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(ROOT.glob("*/sql/*.sql"))
             + sorted(ROOT.glob("ingest/migrations/*.sql"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if arrow.search(line.split("--")[0])]
    assert found == []
