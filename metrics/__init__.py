"""Lekgotla metrics: the KPIs of SPEC.md §5, in SQL."""
