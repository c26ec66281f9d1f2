"""How a hint names the verb that fixes a problem: as the person at the keyboard types it.

A project that wraps the verbs in ``just`` recipes of the same names (as this repository's
Justfile does) sets ``CONTRACT_FIRST_RUNNER=just``; its hints then read ``just publish``
instead of ``contract-first publish``, and ``just broker-up`` for starting the local broker.
"""

import os
import shlex
from collections.abc import Mapping

RUNNER_VARIABLE = "CONTRACT_FIRST_RUNNER"


def _runner(environ: Mapping[str, str] | None) -> str:
    env = os.environ if environ is None else environ
    return env.get(RUNNER_VARIABLE, "").strip()


def command_line(name: str, *arguments: str, environ: Mapping[str, str] | None = None) -> str:
    """The command line for a verb: ``just create-environment staging``."""
    runner = _runner(environ) or "contract-first"
    return " ".join([runner, name, *(shlex.quote(argument) for argument in arguments)])


def verb(name: str, *arguments: str, environ: Mapping[str, str] | None = None) -> str:
    """The command line for a verb in backticks, as a hint quotes it."""
    return f"`{command_line(name, *arguments, environ=environ)}`"


def start_local_broker(environ: Mapping[str, str] | None = None) -> str:
    """The command that starts the local broker in the background, in backticks."""
    return "`just broker-up`" if _runner(environ) == "just" else "`local-pact-broker up`"
