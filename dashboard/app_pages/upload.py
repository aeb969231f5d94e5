"""upload (to come)."""

import streamlit as st

st.title("upload")
