"""Streamlit's AppTest as the tests and benchmarks/pages.py use it."""

from __future__ import annotations

import functools

from streamlit.components.v2 import manifest_scanner


def scan_components_once() -> None:
    """Every new AppTest scans every installed package's metadata for Streamlit components, inside
    its first run; a server does it once at start. The packages do not change while tests or a
    benchmark run, so the scan is made once per process. Safe to call again."""
    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)
