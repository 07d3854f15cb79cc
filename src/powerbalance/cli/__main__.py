"""``python -m powerbalance.cli``."""

import sys

from powerbalance.cli import main

sys.exit(main())
