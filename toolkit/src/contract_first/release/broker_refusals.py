"""The broker's refusals, as the official CLI relays them, reworded to say the fix.

Most are caught before the CLI runs (``broker_checks``); these are the ones only the broker
can judge (a changed pact under a published version, a webhook host off its whitelist) and
the rest, should the broker change between the check and the call.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from contract_first.release.verb_hints import verb

_ENVIRONMENT = re.compile(
    r"environment: with name '(?P<quoted>[^']+)' does not exist"
    r"|Environment (?P<bare>\S+) does not exist"
)
_PACTICIPANT = re.compile(
    r"Pacticipant (?P<bare>\S+) not found"
    r"|does not match an existing pacticipant: '(?P<quoted>[^']+)'"
)
_CHANGED_PACT = re.compile(
    r"Cannot change the content of the pact for (?P<consumer>.+?) version (?P<version>\S+) "
    r"and provider (?P<provider>[^,]+),"
)
_WHITELIST = re.compile(r"host must be in the whitelist (?P<hosts>.*?)\.?$")
_SCHEME = re.compile(r"scheme must be (?P<schemes>.+?)\.?$")
_UNREACHABLE = re.compile(r"Failed to access pact broker path|error sending request")


@dataclass(frozen=True)
class RefusalContext:
    """What the rewording needs to know: which broker, and the webhook's target if any."""

    base_url: str
    webhook_url: str | None = None

    @property
    def local(self) -> bool:
        """Whether the broker runs on this machine (the local broker, most likely)."""
        host = urlsplit(self.base_url).hostname or ""
        return host in {"127.0.0.1", "::1", "localhost"}

    @property
    def webhook_host(self) -> str:
        """The host the webhook would call."""
        return urlsplit(self.webhook_url or "").hostname or "its host"


def _environment(match: re.Match[str], context: RefusalContext) -> str:
    name = match["quoted"] or match["bare"]
    return (
        f"environment {name!r} does not exist on the Pact Broker at {context.base_url}: "
        f"create it with {verb('create-environment', name)}"
    )


def _pacticipant(match: re.Match[str], context: RefusalContext) -> str:
    name = match["quoted"] or match["bare"]
    return (
        f"{name} is not on the Pact Broker at {context.base_url}: publish a pact that names "
        f"it first ({verb('publish')})"
    )


def _changed_pact(match: re.Match[str], context: RefusalContext) -> str:
    return (
        f"{match['consumer']} version {match['version']} already has a different pact with "
        f"{match['provider']} on the Pact Broker at {context.base_url}, and a published pact "
        "never changes: commit your change and publish again (each commit is a version); if "
        "nothing changed, the pact differs from run to run: give every matcher an example"
    )


def _whitelist(match: re.Match[str], context: RefusalContext) -> str:
    host = context.webhook_host
    refused = (
        f"the Pact Broker at {context.base_url} sends webhooks only to the hosts on its "
        f"whitelist ({match['hosts']}), not to {host}"
    )
    if context.local and host == "api.github.com":
        return (
            f"{refused}; GitHub's runners could not fetch pacts from a broker on this machine "
            "anyway: create this webhook on your team's shared broker, or point "
            "PACT_WEBHOOK_URL at a build server on this machine"
        )
    if context.local:
        return (
            f"{refused}: restart it with PACT_BROKER_WEBHOOK_HOST_WHITELIST naming {host} and "
            f"the network it resolves to (e.g. '{host} 10.0.0.0/8'), or point PACT_WEBHOOK_URL "
            "at a whitelisted host"
        )
    return (
        f"{refused}: add {host} to the broker's webhook host whitelist "
        "(PACT_BROKER_WEBHOOK_HOST_WHITELIST on the official image), or point PACT_WEBHOOK_URL "
        "at a whitelisted host"
    )


def _scheme(match: re.Match[str], context: RefusalContext) -> str:
    return (
        f"the Pact Broker at {context.base_url} sends webhooks only over {match['schemes']}: "
        "set PACT_WEBHOOK_URL to an https:// URL"
    )


def _unreachable(_match: re.Match[str], context: RefusalContext) -> str:
    return f"lost the Pact Broker at {context.base_url}: check that it still runs"


_REWORDINGS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], RefusalContext], str]], ...] = (
    (_ENVIRONMENT, _environment),
    (_PACTICIPANT, _pacticipant),
    (_CHANGED_PACT, _changed_pact),
    (_WHITELIST, _whitelist),
    (_SCHEME, _scheme),
    (_UNREACHABLE, _unreachable),
)


def reworded(problem: str, context: RefusalContext) -> str:
    """The problem with its fix, when it is one the toolkit knows; else as the broker said it."""
    for pattern, reword in _REWORDINGS:
        match = pattern.search(problem)
        if match is not None:
            return reword(match, context)
    return problem


def explain(problems: list[str], context: RefusalContext) -> str:
    """The broker's problems, reworded and deduplicated, on one line."""
    lines: list[str] = []
    for problem in problems:
        line = reworded(problem, context)
        if line not in lines:
            lines.append(line)
    return "; ".join(lines) or "the official CLI failed without saying why"
