"""Scripts that measure (README.md here). Run each from the repository root as
`python -m benchmarks.NAME` or `python benchmarks/NAME.py`; they import the app launcher, the
browser driver and the synthetic history from `tools`."""
