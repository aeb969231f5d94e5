"""The ingest tests: reading, locating, parsing, validating and storing reports; values, access,
the command line. Fixtures from tests/conftest.py: `con` (an empty in-memory database),
`sample_db`/`db_path`/`sample_con` (the sample data, loaded once, copied per test); tiny workbooks
from tests/support/testdata.py."""
