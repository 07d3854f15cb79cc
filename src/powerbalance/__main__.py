"""``python -m powerbalance``: the same command line as ``powerbalance``."""

import sys

from powerbalance.cli import main

if __name__ == "__main__":
    sys.exit(main())
