"""Report text is data, never markup (issue 11 item 4): the escaping helpers of presentation.markup,
every page of the dashboard run (AppTest) on the payload report (tests/data/payload.py), and the
review pack built from it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import payload
import plotly.graph_objects as go
import pytest
from dashboard_helpers import APP, AUTH, TIMEOUT, app, clear_caches, copy_db
from dashboard_helpers import PAGES as PAGES_BY_NAME
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import metrics
from ingest import db
from ingest.access import CLI
from ingest.users import save_user
from metrics.pack import build_pack
from presentation import charts
from presentation.markup import JOINER, md, plotly, plotly_all
from presentation.pack_charts import FIGURES
from presentation.pack_html import pack_html

# CommonMark with GitHub's autolinks and strikethrough, as Streamlit's Markdown reads text
MARKDOWN = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "strikethrough"])
# what Streamlit reads beyond CommonMark, as its frontend finds it in the source: directives
# (`:red[...]`, `:material/...:`), emoji shortcodes, LaTeX (its own patterns, StreamlitMarkdown)
EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)|\$\$[\s\S]*?\$\$")
ESCAPED = re.compile(r"\\[\\$`]")
TAGS = re.compile(r"<[^>]*>")
# what report text must never become (the page's own bold, lists and headings are fine)
HARMFUL = ("link_open", "image", "html_inline", "html_block", "emoji", "directive",
           "material icon", "math", "autolink", "code_inline", "s_open")
# the payloads as they would read if left unescaped
RAW = ("](https", "![", "<a ", "<img", "://", "www.", ":red[", "$x$", ":material/", "@example",
       "<b>", "**strong**", "`code`", "~~gone~~")


def text_nodes(markdown: str) -> str:
    """The text of rendered Markdown, as the plugins that run on text nodes see it (GFM
    autolinks, emoji shortcodes): tags dropped, escapes and entities read."""
    return html.unescape(TAGS.sub("", MARKDOWN.render(markdown))).strip()


def visible(markdown: str) -> str:
    """The text a reader sees of rendered Markdown (the invisible word joiner dropped)."""
    return text_nodes(markdown).replace(JOINER, "")


def markup_in(source: str) -> list[str]:
    """What in this Markdown source would render as markup rather than as text."""
    found = []
    for token in MARKDOWN.parse(source):
        for t in [token, *(token.children or [])]:
            if t.type in ("link_open", "image", "html_inline", "html_block", "strong_open",
                          "em_open", "s_open", "code_inline", "heading_open", "bullet_list_open",
                          "ordered_list_open", "blockquote_open", "fence", "code_block"):
                found.append(f"{t.type}: {t.content or t.attrs}")
    text = text_nodes(source)
    found += [f"emoji {m}" for m in EMOJI.findall(text)]
    found += [f"directive {m}" for m in re.findall(r"(?<!\\):[a-z]+\[", source)]
    found += [f"material icon {source}" for _ in range(":material/" in source)]
    found += [f"math {m}" for m in MATH.findall(ESCAPED.sub("_", source))]
    found += [f"autolink {m}" for m in re.findall(r"https?://|www\.|\w@\w", text)]
    return found


@pytest.mark.parametrize("text", [*payload.PAYLOADS, payload.PAYLOAD, payload.OPS, payload.FIN,
                                  "# heading", "- item", "1. first", "> quote", "---", "a\n===",
                                  "    indented code", "a | b\n--|--\nc | d", "back\\slash",
                                  "&amp; &lt;b&gt; &#36;", ":smile: :+1:", "WWW.Example.org",
                                  "<!-- comment -->", "[ref]: https://example.invalid/r",
                                  "a  b\n\nc", "Région & Département: 50% (Q1) *urgent*"])
def test_markdown_escape_reads_as_written_and_makes_no_markup(text: str) -> None:
    escaped = md(text)
    assert visible(escaped) == " ".join(text.split())
    assert not markup_in(escaped), markup_in(escaped)
    # inside markup of the page's own: only that markup
    bold = f"**{escaped}** — a caption"
    assert markup_in(bold) == ["strong_open: {}"], markup_in(bold)
    assert visible(bold) == " ".join(text.split()) + " — a caption"
    listed = markup_in(f"- Risk: {escaped}\n- Owner: {escaped}")
    assert listed == ["bullet_list_open: {}"], listed


def test_the_checks_see_the_payloads_as_markup() -> None:
    """The checks used below fail on unescaped text (so they can fail)."""
    for text in payload.PAYLOADS:
        assert markup_in(text), text


@pytest.mark.parametrize("text", [*payload.PAYLOADS, payload.PAYLOAD, "a & b", "&lt;",
                                  "x<br>y", "$5 and $6"])
def test_plotly_escape(text: str) -> None:
    label = plotly(text)
    assert not re.search(r"[<>$]", label)
    # Plotly reads &name; and &#n; once, as html.unescape does for these
    assert html.unescape(label) == text
    assert plotly_all([text, 1]) == [label, "1"]


# ---- the dashboard on the payload report (AppTest) --------------------------------------------

@pytest.fixture(scope="module")
def payload_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return payload.build_database(tmp_path_factory.mktemp("payload") / "lekgotla.duckdb")


@pytest.fixture
def db_path(payload_db: Path, tmp_path: Path) -> Iterator[Path]:
    clear_caches()
    yield copy_db(payload_db, tmp_path)
    clear_caches()


def markdown_sources(at: Any) -> list[tuple[str, str]]:
    """(where, Markdown source) of everything on the page Streamlit renders as Markdown: texts,
    alerts, titles, widget labels and help, metric labels, expander and tab labels."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "exception"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "text_input", "toggle", "segmented_control",
                 "button", "checkbox", "radio", "number_input", "date_input", "metric",
                 "expander", "tabs"):
        for e in getattr(at, kind, []):
            for field in ("label", "help"):
                value = getattr(e, field, None) or getattr(getattr(e, "proto", None), field, None)
                if value:
                    out.append((f"{kind} {field}", str(value)))
    return out


def unescaped(at: Any) -> list[str]:
    """Every Markdown source on the page holding a payload as markup, with what it makes."""
    found = []
    for where, source in markdown_sources(at):
        if payload.HOST not in source.replace("\\", "").replace(JOINER, ""):
            continue  # no report text here (the page's own markup, e.g. its sparkline images)
        problems = [p for p in markup_in(source) if p.startswith(HARMFUL)]
        problems += [f"raw {r!r}" for r in RAW if re.search(r"(?<!\\)" + re.escape(r), source)]
        if problems:
            found.append(f"{where}: {source[:160]!r}: {problems[:4]}")
    return found


PAGES = ("overview", "alignment", "slippage", "submissions", "explore", "review_pack",
         "settings", "users", "audit", "upload", "notifications")


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_report_text_as_markup(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               page: str) -> None:
    at = app(db_path, monkeypatch, page, query={"period": "June 2025"})
    assert not at.exception, [e.value for e in at.exception]
    assert not unescaped(at), "\n".join(unescaped(at))


@pytest.mark.parametrize("department", payload.DEPARTMENTS)
def test_department_page_with_each_action(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          department: str) -> None:
    for row in payload._actions(department, "2025-06"):
        # a bound selectbox reads its option's label from the address (`ID · title`)
        at = app(db_path, monkeypatch, "department",
                 query={"period": "June 2025", "department": department,
                        "action": f"{row[0]} · {row[1]}"})
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="action").value == row[0]
        assert not unescaped(at), "\n".join(unescaped(at))
        # the action's title, bold above its details, reads as written
        assert any(visible(s) == row[1] for _, s in markdown_sources(at))
        # and the caption names the department as written
        assert any(department in visible(s) for w, s in markdown_sources(at) if w == "caption")


def test_filters_naming_payload_departments_and_objectives(db_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(db_path, monkeypatch, "explore",
             query={"period": "June 2025", "dept": list(payload.DEPARTMENTS),
                    "obj": ["SO9 <b>x</b>", "SO1"]})
    assert not at.exception, [e.value for e in at.exception]
    assert not unescaped(at), "\n".join(unescaped(at))
    caption = next(visible(s) for w, s in markdown_sources(at) if w == "caption")
    assert payload.OPS in caption and payload.FIN in caption
    objectives = at.sidebar.multiselect[1]
    assert not [p for p in markup_in(objectives.help) if p.startswith(HARMFUL)], objectives.help
    assert payload.text("Objective SO1") in visible(objectives.help)


# ---- charts: every label, hover text and name is escaped -------------------------------------

def label_strings(fig: go.Figure) -> list[str]:
    """Every string Plotly renders as (HTML-like) text in a figure: category values, tick
    labels, hover text, custom data, trace names, sunburst labels, annotations."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    data = json.loads(fig.to_json())
    for trace in data["data"]:
        for key in ("x", "y", "labels", "text", "hovertext", "customdata", "name",
                    "hovertemplate"):
            walk(trace.get(key))
    for note in data["layout"].get("annotations", []):
        walk(note.get("text"))
    return out


def assert_labels_escaped(fig: go.Figure, name: str) -> None:
    strings = label_strings(fig)
    assert any("example.invalid" in s for s in strings), f"{name}: no payload drawn"
    for s in strings:
        # markup of our own (<b>, <br>, <extra>) only: every payload `<` is &lt;
        bare = re.sub(r"</?(b|br|extra)>", "", s)
        assert "<" not in bare and ">" not in bare and "$" not in bare, f"{name}: {s!r}"
        assert "&lt;a href" in s or "<a" not in s


def test_dashboard_and_pack_charts_escape_report_text(payload_db: Path) -> None:
    con = db.connect(payload_db, read_only=True)
    try:
        f = metrics.Filters("2025-06")
        history = metrics.Filters("2025-06", period_from="2025-05")
        figures = metrics.action_figures(con, f)
        in_a = figures[figures["status"] != "Cancelled"]
        drawn = {
            "department_rag_bars": charts.department_rag_bars(metrics.department_league(con, f)),
            "alignment_grid": charts.alignment_grid(metrics.objective_alignment(con, f),
                                                    "actions", "R"),
            "alignment_grid codes": charts._alignment_grid(metrics.objective_alignment(con, f),
                                                           "actions", "", "R", False, True),
            "sunburst actions": charts.alignment_sunburst(in_a, "count", "R"),
            "gantt": charts.gantt(figures.dropna(subset=["due_date"])),
            "department_lines": charts.department_lines(
                metrics.kpi_trend(con, history, by_department=True), "slipped_count", "actions",
                ""),
            "submission_grid": charts.submission_grid(metrics.report_quality(con, history), ""),
        }
        pack = build_pack(con, metrics.Filters("2025-Q2"))
    finally:
        con.close()
    for name, fig in drawn.items():
        assert_labels_escaped(fig, name)
    for name, build in FIGURES.items():
        fig = build(pack)
        if fig is not None and any("example.invalid" in s for s in label_strings(fig)):
            assert_labels_escaped(fig, f"pack {name}")
    # the sunburst's outer rings when there are too many actions to draw one by one
    for limit in ("SUNBURST_ACTIONS", "SUNBURST_PAIRS"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(charts, limit, 0)
            assert_labels_escaped(charts.alignment_sunburst(in_a, "count", "R"), limit)


def test_wrap_escapes_each_line() -> None:
    assert charts.wrap("Ops <b>b</b> and <i>x</i> more") == (
        "Ops &lt;b&gt;b&lt;/b&gt; &amp;<br>&lt;i&gt;x&lt;/i&gt; more")


# ---- the review pack's HTML ------------------------------------------------------------------

class Elements(HTMLParser):
    """The elements of an HTML document outside its scripts, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_pack_html_holds_no_link_image_or_reference_to_another_host(payload_db: Path) -> None:
    con = db.connect(payload_db, read_only=True)
    try:
        page = pack_html(build_pack(con, metrics.Filters("2025-Q2")))
    finally:
        con.close()
    # the payloads are in the pack, as text
    assert html.escape(payload.text("Move the office")) in page
    parser = Elements()
    parser.feed(page)
    links = [(t, a) for t, a in parser.tags if t in ("a", "img", "link", "iframe", "object")]
    assert all(t == "a" and str(a.get("href", "")).startswith("#") for t, a in links), links
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            if name in ("href", "src", "srcset", "action", "style", "background", "poster"):
                assert payload.HOST not in str(value), (tag, name, value)
                assert not re.search(r"(https?:)?//", str(value)), (tag, name, value)
    # nothing of the data's own reads as a tag anywhere, the scripts' JSON included
    assert "<a href=\"https://example.invalid" not in page
    assert "<img src=\"https://example.invalid" not in page
    assert "<img src=x>" not in page
    stamp = page.split('id="lekgotla-stamp">', 1)[1].split("</script>", 1)[0]
    assert "<" not in stamp and json.loads(stamp)["uploads"]


def test_signed_in_head_of_a_payload_department(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Login mode: the sidebar's name and role (with the department) and the page a role may not
    open show the user's name and department as written."""
    con = db.connect(db_path)
    try:
        save_user(con, CLI, "head@lekgotla.example", "department_head", payload.text("Head"),
                  (payload.OPS,))
    finally:
        con.close()
    # opened straight at the URL of a page the role may not use (as tests/dashboard/test_access_ui.py)
    monkeypatch.setenv("LEKGOTLA_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = {"auth": dict(AUTH)}
    at.user = {"is_logged_in": True, "email": "head@lekgotla.example", "email_verified": True}
    at.switch_page(PAGES_BY_NAME["settings"]).run()
    assert at.title[-1].value == "Not available to your role"
    assert not at.exception, [e.value for e in at.exception]
    assert not unescaped(at), "\n".join(unescaped(at))
    shown = [visible(s) for _, s in markdown_sources(at)]
    assert payload.text("Head") in shown
    assert f"Department head ({payload.OPS})" in shown
