"""``python -m gateway`` is the ``selfcare`` command."""

import sys

from gateway.cli import main

sys.exit(main())
