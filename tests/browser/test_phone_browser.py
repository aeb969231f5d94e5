"""The running dashboard in headless Chromium at a phone's width (390 px) and by keyboard
(issue 12 points 8 and 9): the sidebar starts collapsed, KPI tiles go two to a line, the league
is one card per department, nothing scrolls sideways, the chart toolbar covers no label; and
keyboard focus shows a 2 px ring in the sidebar and on the page's controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from presentation import theme
from tools.browser import CHROMIUM, exceptions, settle
from tools.screenshots import DEMO_ROLE, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


def open_page(browser: Any, url: str, width: int, height: int = 844) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    return context.new_page()


def overview(page: Any, url: str) -> None:
    """The Overview, drawn to its last tile (the page title comes first)."""
    page.goto(url)
    settle(page, "Overview")
    page.locator("[data-testid='stMetric']").nth(9).wait_for()
    assert not exceptions(page)


def sidebar_box(page: Any) -> dict[str, float]:
    return page.evaluate("""() => { const r = document.querySelector(
        '[data-testid="stSidebar"]').getBoundingClientRect();
        return {x: r.x, width: r.width, right: r.right}; }""")


def sideways(page: Any) -> dict[str, int]:
    """How far the page, and the main block, can scroll sideways (0: not at all)."""
    return page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return {page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                main: m.scrollWidth - m.clientWidth}; }""")


def test_phone_overview_and_its_chart_toolbar(browser: Any, url: str) -> None:
    page = open_page(browser, url, PHONE)
    overview(page, url)

    # the sidebar starts collapsed: entirely off the screen
    assert sidebar_box(page)["right"] <= 0, sidebar_box(page)

    # KPI tiles two to a line: ten tiles on five lines, each about half the width
    boxes = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
        .map(e => { const r = e.closest('[data-testid="stVerticalBlockBorderWrapper"], '
                    + '[data-testid="stVerticalBlock"]').getBoundingClientRect();
                    return {x: r.x, y: r.y, width: r.width, right: r.right}; })""")
    assert len(boxes) == 10
    lines: dict[int, list[dict[str, float]]] = {}
    for box in boxes:
        lines.setdefault(round(box["y"]), []).append(box)
    assert [len(line) for line in lines.values()] == [2, 2, 2, 2, 2], lines
    for box in boxes:
        assert PHONE * 0.35 < box["width"] < PHONE * 0.5, box
        assert box["x"] >= 0 and box["right"] <= PHONE, box

    # nothing scrolls sideways
    assert sideways(page) == {"page": 0, "main": 0}

    # the league: one card per department, the wide table hidden
    cards = page.locator(".lk-card")
    departments = page.evaluate("""() => [...document.querySelectorAll('.lk-card .lk-head a')]
        .map(a => a.innerText)""")
    assert cards.count() == 7 and "Finance" in departments, departments
    assert page.locator(".st-key-league").first.is_visible() is False
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
    # the chart toolbar covers no label (before leaving the page by a card's link)
    chart_toolbar_covers_no_label(page)

    # a card's link opens that department's page
    page.locator(".lk-card .lk-head a", has_text="Human Resources").first.click()
    settle(page, "Department")
    assert "department=Human+Resources" in page.url
    assert "· Human Resources" in page.locator("[data-testid='stMain']").inner_text()
    page.context.close()


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def chart_toolbar_covers_no_label(page: Any) -> None:
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    chart.hover()  # a tap on a phone: Plotly shows its toolbar on hover
    page.wait_for_timeout(500)
    bar = page.evaluate("""() => { const m = document.querySelector('.js-plotly-plot .modebar');
        if (!m) return null; const r = m.getBoundingClientRect();
        return r.width && r.height && getComputedStyle(m.parentElement).display !== 'none'
            ? {x: r.x, y: r.y, width: r.width, height: r.height} : null; }""")
    labels = page.evaluate("""() => [...document.querySelectorAll(
        '.js-plotly-plot text, .js-plotly-plot .legendtext')].map(t => t.getBoundingClientRect())
        .filter(r => r.width && r.height).map(r => ({x: r.x, y: r.y, width: r.width,
                                                     height: r.height}))""")
    assert labels, "the chart has labels"
    if bar is not None:
        assert not [label for label in labels if overlaps(bar, label)]


@pytest.mark.parametrize(("name", "title"), [("department", "Department"), ("upload", "Upload")])
def test_phone_pages_do_not_scroll_sideways(browser: Any, url: str, name: str, title: str) -> None:
    page = open_page(browser, url, PHONE)
    page.goto(f"{url}/{name}" + (f"?{DEMO_ROLE[name]}" if name in DEMO_ROLE else ""))
    settle(page, title)
    assert not exceptions(page)
    assert sidebar_box(page)["right"] <= 0
    assert sideways(page) == {"page": 0, "main": 0}
    page.context.close()


def test_a_tables_toolbar_covers_nothing_above_it_on_a_touch_screen(browser: Any, url: str) -> None:
    # a touch screen always shows a table's toolbar, 44 px above the table: it covered the end of
    # the caption above the Department page's actions
    context = browser.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{url}/department?dept=Finance")
    settle(page, "Department")
    assert not exceptions(page)
    bars = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
        .filter(t => getComputedStyle(t).opacity > 0).map(t => {
          const above = t.closest('[data-testid="stElementContainer"]').previousElementSibling;
          return {bar: t.getBoundingClientRect().top,
                  above: above ? above.getBoundingClientRect().bottom : null}; })""")
    assert len(bars) >= 3  # the actions, the status against RAG, the history
    assert [b for b in bars if b["above"] is not None and b["above"] > b["bar"]] == []
    context.close()


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return {tag: e.tagName, label: e.getAttribute('aria-label') || e.innerText.slice(0, 40),
            sidebar: !!e.closest('[data-testid="stSidebar"]'),
            main: !!e.closest('[data-testid="stMain"]'),
            width: parseFloat(s.outlineWidth), style: s.outlineStyle, colour: s.outlineColor,
            box: {x: r.x, y: r.y, width: r.width, height: r.height}}; }"""


def rgb_hex(css: str) -> str:
    parts = [int(float(p)) for p in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    return "#" + "".join(f"{p:02X}" for p in parts)


def tab_to(page: Any, where: str, tags: tuple[str, ...], limit: int = 60) -> dict[str, Any]:
    """Press Tab until a control (one of `tags`) in the sidebar or main block has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused[where] and focused["tag"] in tags:
            return focused
    raise AssertionError(f"no control in the {where} took the focus in {limit} Tabs")


def assert_ring(page: Any, focused: dict[str, Any], background: str) -> None:
    assert focused["width"] >= 2 and focused["style"] not in ("none", "hidden"), focused
    colour = rgb_hex(focused["colour"])
    assert theme.contrast(colour, background) >= 3, (colour, background)
    # and it is drawn: the ring's colour around the control on the screen
    box = focused["box"]
    pad = 5
    shot = page.screenshot(clip={"x": max(box["x"] - pad, 0), "y": max(box["y"] - pad, 0),
                                 "width": box["width"] + 2 * pad,
                                 "height": box["height"] + 2 * pad})
    from io import BytesIO

    from PIL import Image

    ring = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    pixels = Image.open(BytesIO(shot)).convert("RGB").get_flattened_data()
    near = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, ring, strict=True)) < 40)
    assert near >= 2 * (box["width"] + box["height"]), (focused, near)


def keyboard_focus_shows_a_ring(page: Any) -> None:
    sidebar_bg = rgb_hex(page.evaluate("""() => getComputedStyle(document.querySelector(
        '[data-testid="stSidebar"]')).backgroundColor"""))
    link = tab_to(page, "sidebar", ("A",))
    assert_ring(page, link, sidebar_bg)
    control = tab_to(page, "sidebar", ("BUTTON",))
    assert_ring(page, control, sidebar_bg)
    on_page = tab_to(page, "main", ("BUTTON",))  # the chart tabs, the downloads
    assert_ring(page, on_page, "#FFFFFF")


def faded_text_reads_at_aa(page: Any) -> None:
    """Captions (the filters in words, notes under tables, the sidebar's data line) and a KPI's
    'vs May': their colour as drawn — opacity included — on the background under them."""
    drawn = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stCaptionContainer"], [data-testid="stMetricDeltaDescription"]')]
      .filter(e => e.innerText.trim()).map(e => {
        let alpha = 1, b = e, bg = 'rgba(0, 0, 0, 0)';
        for (let a = e; a; a = a.parentElement) alpha *= parseFloat(getComputedStyle(a).opacity);
        while (b && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) {
          bg = getComputedStyle(b).backgroundColor; b = b.parentElement; }
        return {text: e.innerText.slice(0, 30), colour: getComputedStyle(e).color, alpha, bg}; })""")
    assert len(drawn) >= 5
    for d in drawn:
        fg = [int(float(v)) for v in d["colour"][d["colour"].index("(") + 1:-1].split(",")[:3]]
        bg = [int(float(v)) for v in d["bg"][d["bg"].index("(") + 1:-1].split(",")[:3]]
        seen = [round(f * d["alpha"] + b * (1 - d["alpha"])) for f, b in zip(fg, bg, strict=True)]
        text = "#" + "".join(f"{v:02X}" for v in seen)
        ground = "#" + "".join(f"{v:02X}" for v in bg)
        assert theme.contrast(text, ground) >= 4.5, (d, text, ground)


def wide_screen_keeps_the_sidebar_open_and_the_table(page: Any) -> None:
    assert sidebar_box(page)["width"] > 200 and sidebar_box(page)["x"] >= 0
    assert page.locator(".st-key-league").first.is_visible()
    assert not page.locator(".lk-card").first.is_visible()
    # five tiles to a line
    ys = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
        .map(e => Math.round(e.getBoundingClientRect().y))""")
    assert sorted({y: ys.count(y) for y in ys}.values()) == [5, 5], page.locator("[data-testid='stMain']").inner_text()[:800]


def test_wide_screen_overview(browser: Any, url: str) -> None:
    """One Overview at 1440 px: the sidebar and the league table, faded text read at AA, then
    keyboard focus (it moves the focus, so it comes last)."""
    page = open_page(browser, url, 1440, 900)
    overview(page, url)
    wide_screen_keeps_the_sidebar_open_and_the_table(page)
    faded_text_reads_at_aa(page)
    keyboard_focus_shows_a_ring(page)
    page.context.close()
