"""Run the official ``pact broker`` CLI (from pact-python-cli) against the configured broker."""

import os
import subprocess
import sys
from pathlib import Path

from broker_connection import BrokerConnection

PACT = Path(sys.executable).parent / "pact"


def run_pact_broker(connection: BrokerConnection, *args: str) -> int:
    """Run ``pact broker ARGS``, output passed through; credentials travel only by environment."""
    if not PACT.is_file():
        print(
            f"error: the Pact CLI is not installed at {PACT}: run `just sync` "
            "(it comes from the pact-python-cli package)",
            file=sys.stderr,
        )
        return 2
    environment = {**os.environ, **connection.environment(), "PACT_DO_NOT_TRACK": "true"}
    return subprocess.run([str(PACT), "broker", *args], env=environment, check=False).returncode
