"""The user docs in docs/ stay true to the code: every column name, value, timeline phrase, KPI,
permission and setting the code knows is written there, and no link leaves the repository."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from testdata import ROOT

from ingest import values
from ingest.access import PERMISSIONS, ROLES
from ingest.cells import text_key
from ingest.dates import _OPEN_ENDED, Period, parse_due
from ingest.headers import METADATA_LABELS, REQUIRED, SYNONYMS, normalise
from ingest.settings import SETTINGS
from metrics.kpis import KPI_NAMES
from metrics.quality import QUALITY_COLUMNS

DOCS = ROOT / "docs"
PAGES = ("report-format", "kpis", "roles", "settings", "deployment", "backups", "digest")


def doc(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def table_rows(text: str) -> dict[str, list[str]]:
    """First cell's backticked name -> the backticked words of the row, for every table row."""
    rows = {}
    for line in text.splitlines():
        cells = line.split(" | ")
        if line.startswith("| `") and cells:
            first = re.findall(r"`([^`]+)`", cells[0])
            if first:
                rows[first[0]] = re.findall(r"`([^`]+)`", line)
    return rows


def test_every_page_is_there() -> None:
    for name in PAGES:
        assert (DOCS / f"{name}.md").exists(), name


def test_every_column_and_each_of_its_other_names_is_documented() -> None:
    rows = table_rows(doc("report-format"))
    for canonical, others in SYNONYMS.items():
        assert canonical in rows, f"column {canonical} is not in docs/report-format.md"
        written = {normalise(w) for w in rows[canonical]}
        for other in others:
            assert normalise(other) in written, f"{other!r} ({canonical}) is not documented"
        required = "| yes |" in next(line for line in doc("report-format").splitlines()
                                     if line.startswith(f"| `{canonical}` |"))
        assert required == (canonical in REQUIRED), canonical


def test_every_metadata_label_is_documented() -> None:
    written = {normalise(w) for w in re.findall(r"`([^`]+)`", doc("report-format"))}
    assert set(METADATA_LABELS) <= written, set(METADATA_LABELS) - written


@pytest.mark.parametrize("table", ["_STATUS", "_QUALITY", "_DIRECTION", "_RISK", "_REASON"])
def test_every_accepted_value_is_in_its_row(table: str) -> None:
    lookup: dict[str, str] = getattr(values, table)[0]  # normalised spelling -> canonical value
    rows = table_rows(doc("report-format"))
    for key, canonical in lookup.items():
        assert canonical in rows, f"{canonical} is not in docs/report-format.md"
        written = {text_key(w) or w for w in rows[canonical]}
        assert key in written, f"{key!r} (read as {canonical}) is not in its row"


def test_every_timeline_phrase_documented_is_read_as_the_doc_says() -> None:
    text = doc("report-format")
    section = text[text.index("**Timeline phrases**"):text.index("## The plan carries over")]
    phrases = {row: re.findall(r"`([^`]+)`", row) for row in section.splitlines() if row.startswith("| `")}
    june = Period(2025, 6)
    for row, written in phrases.items():
        for phrase in written:
            due, open_ended = parse_due(phrase, june)  # raises if the doc shows what is not read
            assert open_ended == ("no due date" in row), phrase
    assert {text_key(p) for ps in phrases.values() for p in ps} >= _OPEN_ENDED
    assert parse_due("Week 2 (February)", june) == (dt.date(2025, 2, 14), False)


def test_every_kpi_and_quality_figure_is_defined() -> None:
    rows = table_rows(doc("kpis"))
    for name in (*KPI_NAMES, "slip_days", "planned_progress", "schedule_variance", "forecast_finish",
                 "forecast_slip_days", "smart_score", "rag", "stale_actions", "not_reported",
                 "warnings_per_row", "smart_pass_share", "state"):
        assert name in rows, f"{name} is not defined in docs/kpis.md"
    assert {"stale_actions", "not_reported", "warnings_per_row", "smart_pass_share"} <= set(QUALITY_COLUMNS)


def test_every_role_and_permission_is_documented_as_the_code_has_it() -> None:
    text = doc("roles")
    header = next(line for line in text.splitlines() if line.startswith("| permission |"))
    roles = [c.strip() for c in header.strip("|").split("|")][2:]
    assert roles == list(ROLES)
    for action, allowed in PERMISSIONS.items():
        line = next((row for row in text.splitlines() if row.startswith(f"| `{action}` |")), None)
        assert line is not None, f"permission {action} is not in docs/roles.md"
        cells = [c.strip() for c in line.strip("|").split("|")][2:]
        for role, cell in zip(roles, cells, strict=True):
            assert (cell != "no") == (role in allowed), (action, role, cell)


def test_every_setting_is_documented_with_its_default() -> None:
    rows = table_rows(doc("settings"))
    for s in SETTINGS:
        assert s.name in rows, f"setting {s.name} is not in docs/settings.md"
        line = next(row for row in doc("settings").splitlines() if row.startswith(f"| `{s.name}` |"))
        default = line.split(" | ")[1]
        if s.default == "":
            assert default == "(empty)", s.name
        else:
            assert s.type(default.strip("`") if s.type is not bool else default == "`true`") == s.default


def links(path: Path) -> list[str]:
    """Every link and image of a Markdown file, as CommonMark reads it, and every HTML src/href."""
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"""(?:src|href)=["']([^"']+)["']""", text)
    for token in MarkdownIt("commonmark").parse(text):
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
            if child.type == "image":
                found.append(str(child.attrs["src"]))
    return found


def test_no_link_leaves_the_repository() -> None:
    files = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    checked = 0
    for path in files:
        for target in links(path):
            checked += 1
            if re.match(r"https?://localhost[:/]", target):  # the dashboard you run yourself
                continue
            assert "://" not in target and not target.startswith("mailto:"), (path.name, target)
            assert "../" not in target, (path.name, target)
            file_part = target.split("#")[0]
            if file_part:
                resolved = (path.parent / file_part).resolve()
                assert resolved.is_relative_to(ROOT) and resolved.exists(), (path.name, target)
            if "#" in target:  # an anchor names a heading of that page
                page = (path.parent / file_part).resolve() if file_part else path
                headings = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
                            for h in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)}
                assert target.split("#")[1] in headings, (path.name, target)
    assert checked > 20


def test_readme_links_every_doc() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PAGES:
        assert f"(docs/{name}.md" in readme, name


def test_user_text_points_to_the_repositorys_docs_not_to_a_spec_it_lacks() -> None:
    import contextlib
    import io

    import lekgotla_cli

    assert not (ROOT / "SPEC.md").exists()  # were it shipped, citing it would be fine
    texts = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}
    texts.update({f"docs/{p}.md": doc(p) for p in PAGES})
    table = lekgotla_cli.commands()
    texts["lekgotla --help"] = lekgotla_cli.usage(table)
    for name in table:
        if name == "serve":  # Streamlit's own help
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            table[name][1](["--help"])
        texts[f"lekgotla {name} --help"] = out.getvalue()
    assert [where for where, text in texts.items() if "SPEC" in text] == []


def test_backups_doc_names_what_a_shared_store_restore_keeps() -> None:
    """A restore of the shared store keeps some tables as they are (ingest.lake.NOT_RESTORED):
    the docs name each, and README no longer says it puts "every table" back."""
    from ingest.lake import NOT_RESTORED

    text = " ".join(doc("backups").split())
    said = {"audit_log": "the audit log", "notifications": "the notifications sent",
            "notification_opt_outs": "the opt-outs", "kept_snapshots": "the backups' pins",
            "schema_migrations": "`schema_migrations`", "meta": "`meta`"}
    assert set(said) == set(NOT_RESTORED)
    assert [t for t, words in said.items() if words not in text] == []
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "puts every table back" not in readme
    assert "notifications sent and opted out of" in readme
