"""Widgets bound to the page's address (`bind="query-params"`).

A bound widget takes its value from the address the first time it is drawn in a session and
from its state after that; a value chosen for it before then must go to both, or the widget
would read the old address as it opened.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def choose(key: str, value: str | list[str], *, notes_key: str | None = None,
           notes: Sequence[str] = ()) -> None:
    """Set the bound widget `key` to `value` before it is drawn. When the widget is held in this
    session already, its state is enough (it writes its new value to the address) and this
    returns; otherwise (a link) the address is written too and the script runs again, keeping
    `notes` under `notes_key` for that run to say."""
    held = key in st.session_state
    st.session_state[key] = value
    if held:
        return
    if value:
        st.query_params[key] = value
    else:
        st.query_params.pop(key, None)
    if notes_key is not None:
        st.session_state[notes_key] = list(notes)
    st.rerun()
