"""Lekgotla dashboard (Streamlit)."""
