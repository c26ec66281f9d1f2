"""``local-pact-broker``: serve the broker with uvicorn on the configured host and port."""

import argparse
import sys

import uvicorn

from local_pact_broker.app import create_app
from local_pact_broker.auth import AuthConfigurationError
from local_pact_broker.settings import Settings


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``local-pact-broker`` and ``python -m local_pact_broker``."""
    parser = argparse.ArgumentParser(prog="local-pact-broker", description=__doc__)
    parser.add_argument("--host", help="overrides PACT_BROKER_HOST (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="overrides PACT_BROKER_PORT (default 9292)")
    args = parser.parse_args(argv)
    settings = Settings()
    host = args.host or settings.host
    port = args.port or settings.port
    try:
        app = create_app(settings)
    except AuthConfigurationError as error:
        print(f"local-pact-broker: refusing to start: {error}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=host, port=port)
    return 0
