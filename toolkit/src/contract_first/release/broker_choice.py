"""Which broker a verb talks to: the one named explicitly, else the local one ``up`` started.

In order: ``PACT_BROKER_BASE_URL`` (set at all: even set empty it is an explicit choice, of no
broker), ``broker.base-url`` in the configuration, then the local broker recorded by
``local-pact-broker up`` when it answers. A verb that picks the local broker says so in one
line, so nobody wonders where their pacts went.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from contract_first.config import Config
from contract_first.release.broker_connection import BrokerConnection, BrokerConnectionError
from contract_first.release.local_broker import RecordedBroker, recorded_broker
from contract_first.release.verb_hints import start_local_broker

BASE_URL_VARIABLE = "PACT_BROKER_BASE_URL"


@dataclass(frozen=True)
class BrokerChoice:
    """The base URL to fall back on when the environment names none, and why."""

    default_base_url: str | None
    local: RecordedBroker | None = None

    def announcement(self) -> str | None:
        """The line a verb prints when it uses the local broker nobody named."""
        if self.local is None or not self.local.answers:
            return None
        return (
            f"using the local Pact Broker at {self.local.url} (from {start_local_broker()}; "
            f"{BASE_URL_VARIABLE} overrides)"
        )

    def connection(self, environ: Mapping[str, str] | None = None) -> BrokerConnection:
        """The connection; with no broker at all, the error says how to get one."""
        env = os.environ if environ is None else environ
        if self.local is not None and not self.local.answers:
            raise BrokerConnectionError(
                f"{BASE_URL_VARIABLE} is not set, and the local Pact Broker recorded in "
                f"{self.local.recorded_in} ({self.local.url}) does not answer: start it again "
                f"with {start_local_broker(env)}, or set {BASE_URL_VARIABLE}"
            )
        return BrokerConnection.from_environment(env, default_base_url=self.default_base_url)


def choose_broker(config: Config, environ: Mapping[str, str] | None = None) -> BrokerChoice:
    """The explicit broker if any, else the local broker ``up`` recorded for this project."""
    env = os.environ if environ is None else environ
    if BASE_URL_VARIABLE in env or config.broker_base_url:
        return BrokerChoice(default_base_url=config.broker_base_url)
    local = recorded_broker(config.root, env)
    if local is None or not local.answers:
        return BrokerChoice(default_base_url=None, local=local)
    return BrokerChoice(default_base_url=local.url, local=local)
