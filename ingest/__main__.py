"""Entry point for `python -m ingest`."""

import sys

from ingest.cli import main

if __name__ == "__main__":  # guarded: worker processes import this module by name
    sys.exit(main())
