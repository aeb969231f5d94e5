"""Lekgotla ingest: read, validate and store department status reports."""
