"""Run the official ``pact broker`` CLI (from pact-python-cli) against the configured broker."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from contract_first.errors import UsageError
from contract_first.release.broker_connection import BrokerConnection

HIDDEN = "********"


@dataclass(frozen=True)
class CliRun:
    """What the CLI said (stdout and stderr, interleaved as written) and how it exited."""

    exit_code: int
    output: str

    @property
    def ok(self) -> bool:
        """Whether the CLI exited 0."""
        return self.exit_code == 0


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


def run_pact_broker(
    connection: BrokerConnection, *args: str, secrets: Iterable[str] = ()
) -> CliRun:
    """Run ``pact broker ARGS`` and keep its output, so a failure can be said in one line.

    The broker's credentials travel only by environment, never in arguments, and only the
    connection's: none is inherited, so an empty one never reaches the CLI. Should the CLI
    echo any of them, or any of ``secrets`` (a webhook's token), the output hides them.
    """
    environment = {**connection.child_environment(os.environ), "PACT_DO_NOT_TRACK": "true"}
    command = [str(pact_executable()), "broker", *args]
    result = subprocess.run(
        command,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    output = result.stdout
    for secret in sorted({*connection.secrets(), *secrets}, key=len, reverse=True):
        if secret:
            output = output.replace(secret, HIDDEN)
    return CliRun(result.returncode, output)
