"""What the tests of dashboards behind HAProxy share (tests/browser/test_proxy.py and
test_proxy_deploy.py): their marks, the instance a browser is kept on, and a new browser of its
own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tools.browser import CHROMIUM
from tools.launch import haproxy_binary

NODE = "LEKGOTLA_NODE"  # the proxy's cookie naming the instance a browser stays on


def node(context: Any) -> str:
    """The instance the proxy keeps this browser on."""
    return str(next(c["value"] for c in context.cookies() if c["name"] == NODE))


def new_page(browser: Any) -> tuple[Any, Any]:
    """A browser context of its own (its own cookies) and a page in it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context, context.new_page()


def proxy_marks() -> list[pytest.MarkDecorator]:
    """A proxy test module's marks: a browser test, skipped without HAProxy or Chromium (in CI a
    missing HAProxy fails the module: .ci/run installs it)."""
    if haproxy_binary() is None and os.environ.get("CI"):
        pytest.fail("HAProxy is not installed: .ci/run installs Debian's haproxy", pytrace=False)
    return [
        pytest.mark.browser,
        pytest.mark.skipif(haproxy_binary() is None,
                           reason="HAProxy is not installed (apt-get install haproxy; .ci/run does)"),
        pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    ]
