"""``python -m contract_first``: what the ``contract-first`` command runs (see ``cli.launcher``)."""

from contract_first.cli.app import main

raise SystemExit(main())
