"""Development tooling, not part of the product: the app launcher (launch.py), the headless
Chromium driver (browser.py), the synthetic history (history.py), Streamlit's AppTest as the
tests use it (apptest.py) and the README's screenshots (screenshots.py). Tests and benchmarks
import it; nothing in ingest, metrics or dashboard may (pyproject's import contract), and the
wheel leaves it out.
"""
