"""`python -m metrics`: kpis and actions (metrics/cli.py), export and pack (presentation/cli.py,
which writes the files), notify (followup/cli.py, which runs all five)."""

import sys

from followup.cli import main

sys.exit(main())
