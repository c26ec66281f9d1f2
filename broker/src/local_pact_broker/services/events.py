"""Domain events (the hook point for webhooks): raised after a write transaction commits."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

CONTRACT_PUBLISHED = "contract_published"
CONTRACT_CONTENT_CHANGED = "contract_content_changed"
CONTRACT_REQUIRING_VERIFICATION_PUBLISHED = "contract_requiring_verification_published"
PROVIDER_VERIFICATION_PUBLISHED = "provider_verification_published"
PROVIDER_VERIFICATION_SUCCEEDED = "provider_verification_succeeded"
PROVIDER_VERIFICATION_FAILED = "provider_verification_failed"
VERIFICATION_EVENTS = frozenset(
    {PROVIDER_VERIFICATION_PUBLISHED, PROVIDER_VERIFICATION_SUCCEEDED, PROVIDER_VERIFICATION_FAILED}
)
"""The events a verification result causes (the others come from publishing a pact)."""


@dataclass(frozen=True)
class Event:
    """Something that happened, with the names and numbers webhook templates need.

    ``base_url`` is the broker's base URL as the request that caused it saw it (or
    ``PACT_BROKER_BASE_URL``): listeners build their URLs on it with the URL table, never by
    taking the broker's own URLs apart.
    """

    name: str
    consumer: str
    provider: str
    base_url: str
    details: dict[str, str] = field(default_factory=dict)


Listener = Callable[[Event], None]


class EventBus:
    """Delivers events to listeners; a failing listener never breaks the request."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` for every future event."""
        self._listeners.append(listener)

    def publish(self, events: list[Event]) -> None:
        """Deliver events, in order, to every listener."""
        for event in events:
            for listener in self._listeners:
                try:
                    listener(event)
                except Exception:
                    logger.exception("event listener failed for %s", event.name)
