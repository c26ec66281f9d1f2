"""Run the official ``pact broker`` CLI (from pact-python-cli) against the configured broker."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from contract_first.errors import UsageError
from contract_first.release.broker_connection import BrokerConnection


def pact_executable() -> Path:
    """The ``pact`` CLI installed beside this Python (pact-python-cli), else the one on PATH."""
    beside = Path(sys.executable).parent / "pact"
    if beside.is_file():
        return beside
    found = shutil.which("pact")
    if found:
        return Path(found)
    raise UsageError(
        "the official Pact CLI is not installed: `pip install pact-python-cli` "
        "(contract-first depends on it; reinstall contract-first)"
    )


def run_pact_broker(connection: BrokerConnection, *args: str) -> int:
    """Run ``pact broker ARGS``, output passed through; credentials travel only by environment."""
    environment = {**os.environ, **connection.environment(), "PACT_DO_NOT_TRACK": "true"}
    command = [str(pact_executable()), "broker", *args]
    sys.stdout.flush()
    return subprocess.run(command, env=environment, check=False).returncode
