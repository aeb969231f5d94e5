"""The app calls no third party (issue 11 item 5), without a browser: the page icon is a file the
app serves, Streamlit sends no usage statistics, and the server's start-up does not ask an
outside service for its external IP. tests/browser/test_offline_browser.py checks every page in Chromium."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit import config, net_util
from streamlit.web import bootstrap

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"


def options() -> dict[str, Any]:
    """The project's Streamlit settings as `section.name` -> value."""
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return {f"{section}.{name}": value for section, values in data.items()
            for name, value in values.items()}


def test_no_usage_statistics() -> None:
    assert options()["browser.gatherUsageStats"] is False


@pytest.fixture
def project_config() -> Iterator[None]:
    """Streamlit's options as `streamlit run` sets them from .streamlit/config.toml (headless,
    as tests/browser/test_browser.py starts it), restored after."""
    saved = {k: (config.get_option(k), config.get_where_defined(k)) for k in options()}
    for key, value in options().items():
        config.set_option(key, value, where_defined=str(CONFIG))
    yield
    for key, (value, where) in saved.items():
        config.set_option(key, value, where_defined=where)


def test_start_up_asks_no_outside_service(project_config: None, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Headless, Streamlit asks checkip.amazonaws.com for the machine's external IP to print it,
    unless browser.serverAddress is set: it is."""
    asked: list[str] = []
    monkeypatch.setattr(net_util, "get_external_ip", lambda: asked.append("external ip"))
    monkeypatch.setattr(net_util, "get_internal_ip", lambda: "10.0.0.1")
    assert config.get_option("server.headless") is True
    bootstrap._print_url(False)
    assert not asked
    assert "http://localhost" in capsys.readouterr().out


def test_page_icon_is_a_local_file() -> None:
    """st.set_page_config's page_icon is the app's own SVG (a `:material/...:` icon is fetched
    from fonts.gstatic.com by every browser)."""
    tree = ast.parse((ROOT / "dashboard" / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", None) == "set_page_config"]
    assert len(calls) == 1
    icon = next(k.value for k in calls[0].keywords if k.arg == "page_icon")
    assert isinstance(icon, ast.Name) and icon.id == "ICON"
    assert (ROOT / "dashboard" / "icon.svg").read_text(encoding="utf-8").startswith("<svg")
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    assert 'ICON = Path(__file__).resolve().parent / "icon.svg"' in source
