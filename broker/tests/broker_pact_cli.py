"""Run the official ``pact broker`` CLI (pact-python-cli) against a test broker."""

import subprocess
import sys
from pathlib import Path

from .broker_live_server import BrokerServer

PACT = Path(sys.executable).parent / "pact"


def pact_broker(
    broker: BrokerServer, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``pact broker ARGS --broker-base-url URL`` in a clean environment, output captured."""
    return subprocess.run(
        [str(PACT), "broker", *args, "--broker-base-url", broker.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin", **(env or {})},
    )
