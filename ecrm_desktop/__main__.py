"""`python -m ecrm_desktop` runs the `ecrm` command."""

import sys

from ecrm_desktop.cli import main

sys.exit(main())
