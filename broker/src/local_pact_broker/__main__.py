"""``python -m local_pact_broker`` serves the broker."""

import sys

from local_pact_broker.cli import main

sys.exit(main())
