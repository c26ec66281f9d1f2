"""``python -m local_pact_broker [serve|up|down|status]``: the ``local-pact-broker`` command."""

import sys

from local_pact_broker.cli import main

sys.exit(main())
