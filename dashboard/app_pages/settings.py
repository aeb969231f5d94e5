"""settings (to come)."""

import streamlit as st

st.title("settings")
