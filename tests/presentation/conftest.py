"""The presentation tests: the review pack's workbook, HTML and parts, on the hand-made history
(`history`) and on the sample data (`sample_db`), both from tests/conftest.py."""
