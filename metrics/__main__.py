"""`python -m metrics`: kpis and actions (metrics/cli.py), export and pack (presentation/cli.py,
which writes the files and runs all four)."""

import sys

from presentation.cli import main

sys.exit(main())
