"""The two ways a command fails, each with its exit code, so no verb needs a traceback.

- ``UsageError`` (exit 2): the run could not judge anything: bad flags, bad configuration,
  a closed port, refused credentials, no pacts. The message says the fix.
- ``ContractBrokenError`` (exit 1): the run judged, and a contract does not hold.
"""

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2


class ContractFirstError(Exception):
    """Base of the toolkit's own errors; ``exit_code`` is what the command exits with."""

    exit_code = EXIT_USAGE


class UsageError(ContractFirstError):
    """Nothing could be judged; the message names what was wrong and what to do."""

    exit_code = EXIT_USAGE


class ContractBrokenError(ContractFirstError):
    """The provider (or the spec) does not honour what a consumer relies on."""

    exit_code = EXIT_BROKEN
