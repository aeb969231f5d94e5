"""What the tests of dashboards behind HAProxy share (tests/browser/test_proxy.py and
test_proxy_deploy.py): the instance a browser is kept on, and a new browser of its own."""

from __future__ import annotations

from typing import Any

NODE = "LEKGOTLA_NODE"  # the proxy's cookie naming the instance a browser stays on


def node(context: Any) -> str:
    """The instance the proxy keeps this browser on."""
    return str(next(c["value"] for c in context.cookies() if c["name"] == NODE))


def new_page(browser: Any) -> tuple[Any, Any]:
    """A browser context of its own (its own cookies) and a page in it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context, context.new_page()
